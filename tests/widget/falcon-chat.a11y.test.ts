import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { input, offline, part, parts, transcript } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

/** Everything an answer can hold, so axe sees each kind of rendered markdown. */
const CONVERSATION = [
  { role: 'user' as const, content: 'Show me everything' },
  {
    role: 'assistant' as const,
    content: [
      '## Heading',
      'Text with **bold**, *em*, `code` and a [link](https://example.com).',
      '- one\n- two',
      '> a quote',
      '| a | b |\n|---|---|\n| 1 | 2 |',
      '```js\nconst answer = 42;\n```',
      '- [x] done',
    ].join('\n\n'),
  },
  { role: 'user' as const, content: 'And then?' },
  { role: 'assistant' as const, content: 'Partial', status: 'stopped' as const },
];

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** The same conversation in Arabic: right to left, with a table and code as an answer holds them. */
const CONVERSATION_AR = [
  { role: 'user' as const, content: 'أرني كل شيء' },
  {
    role: 'assistant' as const,
    content: [
      '## عنوان',
      'نص **عريض** و*مائل* و`code` و[رابط](https://example.com).',
      '- واحد\n- اثنان',
      '> اقتباس',
      '| أ | ب |\n|---|---:|\n| 1 | 2 |',
      '```js\nconst answer = 42;\n```',
    ].join('\n\n'),
  },
  { role: 'user' as const, content: 'ثم ماذا؟' },
  { role: 'assistant' as const, content: 'جزئي', status: 'stopped' as const },
];

describe('<falcon-chat> accessibility', () => {
  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light' });
    await setViewport(DESKTOP);
  });

  // Every mode and theme on a desktop in English (auto with a dark system too); then both themes in Arabic (right
  // to left) on a desktop, and in both languages at phone size, where the floating panel covers the page.
  for (const [device, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    for (const lang of ['en', 'ar'] as const) {
      const themes =
        device === 'desktop' && lang === 'en'
          ? ([
              ['light', 'light'],
              ['dark', 'light'],
              ['auto', 'dark'],
            ] as const)
          : ([
              ['light', 'light'],
              ['dark', 'dark'],
            ] as const);
      for (const mode of ['inline', 'floating', 'fullscreen'] as const) {
        for (const [theme, scheme] of themes) {
          const system = theme === 'auto' ? ' (dark system)' : '';
          it(`passes axe in ${mode} mode, ${theme} theme${system}, ${lang}, ${device}, empty and with a conversation`, async () => {
            await setViewport(viewport);
            await emulateMedia({ colorScheme: scheme });
            const el = await fixture<FalconChat>(
              html`<falcon-chat
                mode=${mode}
                theme=${theme}
                lang=${lang}
                greeting=${lang === 'ar' ? 'مرحبًا! اسألني **أي شيء**.' : 'Hi! Ask me **anything**.'}
                suggestions=${lang === 'ar' ? 'ماذا تستطيع أن تفعل؟|من صنعك؟' : 'What can you do?|Who made you?'}
                show-settings
                endpoint=${endpoint}
              ></falcon-chat>`,
            );
            await el.updateComplete;
            if (lang === 'ar') expect(part(el, 'base')!.matches(':dir(rtl)')).to.equal(true);
            if (mode === 'floating') {
              // Closed: only the launcher.
              await expect(el).to.be.accessible();
              el.show();
              await el.updateComplete;
            }
            await expect(el).to.be.accessible();
            el.messages = lang === 'ar' ? CONVERSATION_AR : CONVERSATION;
            await el.updateComplete;
            await expect(el).to.be.accessible();
          });
        }
      }
    }
  }

  it('gives every control an accessible name', async () => {
    const el = await fixture<FalconChat>(
      html`<falcon-chat mode="floating" open show-settings endpoint=${endpoint}></falcon-chat>`,
    );
    el.messages = CONVERSATION;
    await el.updateComplete;
    const controls = [
      ...el.shadowRoot!.querySelectorAll<HTMLElement>('button, textarea, input, summary, [tabindex="0"]'),
    ];
    expect(controls.length).to.be.greaterThan(10);
    for (const control of controls) {
      const labelled = control.id && el.shadowRoot!.querySelector(`label[for="${control.id}"]`);
      const name = control.getAttribute('aria-label') ?? (labelled ? labelled.textContent : control.textContent);
      expect(name?.trim(), control.outerHTML.slice(0, 80)).to.not.equal('');
    }
  });

  it('reads a streaming answer once, when it is complete: every token lands while the log is aria-busy', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
    const log = transcript(el);
    expect(log.getAttribute('role')).to.equal('log');
    expect(log.getAttribute('aria-busy')).to.equal('false');
    const events: string[] = [];
    const observer = new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        if (mutation.type === 'attributes') events.push(`busy=${log.getAttribute('aria-busy')}`);
        else if (
          (mutation.target as Element).closest?.('[part~="assistant-message"]') ??
          mutation.target.parentElement?.closest('[part~="assistant-message"]')
        ) {
          if (!(mutation.target as Element).closest?.('[aria-live="off"]')) events.push('answer changed');
        }
      }
    });
    // In order: the busy flag and every change to an answer's content.
    observer.observe(log, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['aria-busy'],
    });
    const response = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Announce me once', { delay: 5 }));
    await response;
    await el.updateComplete;
    observer.disconnect();

    const collapsed = events.filter((event, index) => event !== events[index - 1]);
    expect(collapsed).to.deep.equal(['busy=true', 'answer changed', 'busy=false']);
  });

  it('works end to end from the keyboard alone, with a visible focus ring', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat mode="floating" endpoint=${endpoint}></falcon-chat>`);
    const launcher = part<HTMLButtonElement>(el, 'launcher')!;
    launcher.focus();
    expect(getComputedStyle(launcher, ':focus-visible').outlineStyle).to.not.equal('none');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(input(el));

    const response = oneEvent(el, 'falcon-chat-response');
    await sendKeys({ type: offline('Typed with keys') });
    await sendKeys({ press: 'Enter' });
    await response;
    await el.updateComplete;

    // Back from the input: Send, then (through the transcript) the answer's buttons.
    const reached: string[] = [];
    for (let step = 0; step < 12; step++) {
      await sendKeys({ press: 'Shift+Tab' });
      const focused = el.shadowRoot!.activeElement as HTMLElement | null;
      if (!focused) break;
      reached.push(focused.getAttribute('part') ?? focused.className ?? focused.tagName);
      if (focused.matches('[part~="regenerate-button"]')) break;
    }
    expect(reached).to.include('action-button regenerate-button');
    const regenerate = el.shadowRoot!.activeElement as HTMLButtonElement;
    expect(getComputedStyle(regenerate).outlineStyle).to.equal('solid');
    const again = oneEvent(el, 'falcon-chat-response');
    await sendKeys({ press: 'Enter' });
    await again;
    await el.updateComplete;
    expect(parts(el, 'assistant-message')).to.have.length(1);

    const closed = oneEvent(el, 'falcon-chat-close');
    await sendKeys({ press: 'Escape' });
    await closed;
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(launcher);
  });
});
