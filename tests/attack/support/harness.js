// @ts-check
/**
 * Installed in every attack page before any of its own scripts run (page.addInitScript,
 * which a Content-Security-Policy does not block). Plain JavaScript on purpose: it is
 * shipped to the browser as text, so no TypeScript transform may add helpers to it.
 *
 * window.__falconAttack records everything a payload could make happen: dialogs
 * (alert, confirm, prompt, print), the `__xss` flag the payloads set, unhandled
 * rejections, uncaught errors and CSP violations. scan() lists every on* attribute,
 * URL outside http/https/mailto, and tag a rendered answer must not hold, in the
 * document and every shadow root. runJobs() asks questions through <falcon-chat>
 * elements and scans each answer once it is complete.
 */
(() => {
  /** @type {{ alerts: string[], flags: string[], rejections: string[], errors: string[], violations: object[] }} */
  const events = { alerts: [], flags: [], rejections: [], errors: [], violations: [] };

  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    Object.defineProperty(window, name, {
      configurable: false,
      writable: false,
      value: (/** @type {unknown} */ message) => {
        events.alerts.push(`${name}(${String(message)})`);
        return name === 'confirm' ? false : null;
      },
    });
  }
  // Payloads set `__xss` (as a global, on window, self, top or parent): any write is a script that ran.
  Object.defineProperty(window, '__xss', {
    configurable: false,
    get: () => undefined,
    set: (value) => events.flags.push(String(value)),
  });
  addEventListener('unhandledrejection', (event) => {
    const reason = event.reason;
    events.rejections.push(String(reason?.stack || reason));
  });
  // Capturing also sees resources that fail to load; only script errors count.
  addEventListener(
    'error',
    (event) => {
      if (event instanceof ErrorEvent) events.errors.push(event.message || String(event.error));
    },
    true,
  );
  // composed: violations inside shadow roots reach the window too.
  addEventListener(
    'securitypolicyviolation',
    (event) => {
      events.violations.push({
        directive: event.violatedDirective,
        effective: event.effectiveDirective,
        blockedURI: event.blockedURI,
        sample: event.sample,
        source: event.sourceFile,
        line: event.lineNumber,
      });
    },
    true,
  );

  const URL_ATTRIBUTES = new Set([
    'href',
    'xlink:href',
    'src',
    'srcset',
    'action',
    'formaction',
    'poster',
    'data',
    'background',
    'ping',
    'cite',
    'longdesc',
    'lowsrc',
    'dynsrc',
    'manifest',
    'codebase',
    'archive',
    'icon',
    'profile',
    'usemap',
    'itemtype',
  ]);
  const ALLOWED_URL = /^(https?|mailto):/i;
  /** What rendered markdown may be made of (an allowlist: anything else in an answer is reported). */
  const ANSWER_TAGS = new Set([
    'DIV',
    'SPAN',
    'P',
    'BR',
    'HR',
    'H1',
    'H2',
    'H3',
    'H4',
    'H5',
    'H6',
    'BLOCKQUOTE',
    'UL',
    'OL',
    'LI',
    'PRE',
    'CODE',
    'EM',
    'STRONG',
    'B',
    'I',
    'U',
    'S',
    'DEL',
    'INS',
    'MARK',
    'SUB',
    'SUP',
    'KBD',
    'SMALL',
    'A',
    'BUTTON',
    'TABLE',
    'THEAD',
    'TBODY',
    'TFOOT',
    'TR',
    'TH',
    'TD',
    'CAPTION',
    'DL',
    'DT',
    'DD',
  ]);

  /** @param {Element} element */
  const describe = (element) => {
    const attributes = [...element.attributes].map((a) => `${a.name}="${a.value.slice(0, 60)}"`).join(' ');
    return `<${element.localName}${attributes ? ` ${attributes}` : ''}>`;
  };

  /** @param {string} value */
  const urlsIn = (name, value) =>
    name === 'srcset'
      ? value
          .split(',')
          .map((candidate) => candidate.trim().split(/\s+/)[0])
          .filter(Boolean)
      : [value.trim()];

  /**
   * Problems in `root` and every shadow root below it.
   * @param {Document | ShadowRoot | Element} root
   * @param {{ allowImages?: boolean }} [options]
   */
  function scan(root, options = {}) {
    /** @type {string[]} */
    const problems = [];
    /** @param {Element} element @param {boolean} inAnswer */
    const check = (element, inAnswer) => {
      for (const attribute of element.attributes) {
        const name = attribute.name.toLowerCase();
        if (name.startsWith('on')) problems.push(`event handler attribute ${name} on ${describe(element)}`);
        if (name === 'srcdoc') problems.push(`srcdoc on ${describe(element)}`);
        if (URL_ATTRIBUTES.has(name) || name.endsWith(':href')) {
          for (const url of urlsIn(name, attribute.value)) {
            if (!ALLOWED_URL.test(url))
              problems.push(`URL outside http/https/mailto in ${name} of ${describe(element)}`);
          }
        }
        if (name === 'style' && /url\s*\(|expression\s*\(|@import/i.test(attribute.value)) {
          problems.push(`style attribute that loads something on ${describe(element)}`);
        }
      }
      if (!inAnswer) return;
      const tag = element.tagName;
      const image = tag === 'IMG' && options.allowImages;
      if (!ANSWER_TAGS.has(tag) && !image) problems.push(`tag an answer must not hold: ${describe(element)}`);
      if (tag === 'BUTTON' && !element.classList.contains('copy-code'))
        problems.push(`button in an answer: ${describe(element)}`);
      if (tag === 'A' && element.hasAttribute('href')) {
        const rel = (element.getAttribute('rel') || '').split(/\s+/);
        for (const needed of ['noopener', 'noreferrer', 'nofollow']) {
          if (!rel.includes(needed)) problems.push(`link without rel=${needed}: ${describe(element)}`);
        }
      }
    };
    /** @param {Document | ShadowRoot | Element} node @param {boolean} inAnswer */
    const walk = (node, inAnswer) => {
      for (const element of node.querySelectorAll('*')) {
        const answer = inAnswer || element.closest('[part~="assistant-message"] [part~="message-content"]') !== null;
        // The answer's own root is the element's <div part="message-content">: its descendants are the model's.
        const isAnswerRoot = element.matches('[part~="assistant-message"] [part~="message-content"]');
        check(element, answer && !isAnswerRoot);
        if (element.shadowRoot) walk(element.shadowRoot, inAnswer);
      }
    };
    if (root instanceof Element) check(root, false);
    walk(root, false);
    return problems;
  }

  /**
   * One question through one element: resolves when the answer is complete or has failed,
   * after the element has rendered it.
   * @param {any} chat a <falcon-chat>
   * @param {string} question
   * @param {number} timeoutMs
   */
  function ask(chat, question, timeoutMs) {
    return new Promise((resolve) => {
      const finish = (/** @type {object} */ outcome) => {
        clearTimeout(timer);
        chat.removeEventListener('falcon-chat-response', onResponse);
        chat.removeEventListener('falcon-chat-error', onError);
        Promise.resolve(chat.updateComplete).then(() => resolve(outcome));
      };
      const onResponse = (/** @type {any} */ event) =>
        finish({ ok: true, text: event.detail.text, finishReason: event.detail.finishReason });
      const onError = (/** @type {any} */ event) =>
        finish({ ok: false, error: `${event.detail.code}: ${event.detail.message}` });
      const timer = setTimeout(() => {
        chat.stop();
        finish({ ok: false, error: `no answer within ${timeoutMs} ms` });
      }, timeoutMs);
      chat.addEventListener('falcon-chat-response', onResponse);
      chat.addEventListener('falcon-chat-error', onError);
      if (!chat.send(question)) finish({ ok: false, error: 'send() refused the question' });
    });
  }

  /**
   * Asks each job's question, `concurrency` elements at a time, one after another in each.
   * @param {{ id: string, question: string }[]} jobs
   * @param {{ concurrency?: number, timeoutMs?: number, allowImages?: boolean }} [options]
   */
  async function runJobs(jobs, { concurrency = 1, timeoutMs = 15000, allowImages = false } = {}) {
    await customElements.whenDefined('falcon-chat');
    const chats = [...document.querySelectorAll('falcon-chat')].slice(0, concurrency);
    /** @type {object[]} */
    const results = [];
    let next = 0;
    await Promise.all(
      chats.map(async (/** @type {any} */ chat) => {
        while (next < jobs.length) {
          const job = jobs[next++];
          chat.clear();
          await chat.updateComplete;
          const outcome = await ask(chat, job.question, timeoutMs);
          const transcript = chat.shadowRoot.querySelector('[part~="transcript"]');
          const answers = chat.shadowRoot.querySelectorAll('[part~="assistant-message"]');
          results.push({
            id: job.id,
            ...outcome,
            busy: transcript ? transcript.getAttribute('aria-busy') : 'no transcript',
            answers: answers.length,
            problems: scan(chat.shadowRoot, { allowImages }),
          });
        }
      }),
    );
    return results;
  }

  Object.defineProperty(window, '__falconAttack', { value: Object.freeze({ events, scan, runJobs }) });
})();
