import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
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

describe('<falcon-chat> accessibility', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light' }));

  for (const mode of ['inline', 'floating', 'fullscreen'] as const) {
    for (const [theme, scheme] of [
      ['light', 'light'],
      ['dark', 'light'],
      ['auto', 'dark'],
    ] as const) {
      it(`passes axe in ${mode} mode, ${theme} theme${theme === 'auto' ? ' (dark system)' : ''}, empty and with a conversation`, async () => {
        await emulateMedia({ colorScheme: scheme });
        const el = await fixture<FalconChat>(
          html`<falcon-chat
            mode=${mode}
            theme=${theme}
            greeting="Hi! Ask me **anything**."
            suggestions="What can you do?|Who made you?"
            show-settings
            endpoint=${endpoint}
          ></falcon-chat>`,
        );
        if (mode === 'floating') {
          // Closed: only the launcher.
          await expect(el).to.be.accessible();
          el.show();
          await el.updateComplete;
        }
        await expect(el).to.be.accessible();
        el.messages = CONVERSATION;
        await el.updateComplete;
        await expect(el).to.be.accessible();
      });
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
