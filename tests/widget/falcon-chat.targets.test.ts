import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { answerHasStarted, offline, part, parts } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** WCAG 2.2 SC 2.5.8 asks 24 by 24 CSS pixels of every target; a finger needs 44 (SC 2.5.5, Apple's and Google's guides). */
const TARGET = { desktop: 24, touch: 44 };

const CONVERSATION = [
  { role: 'user' as const, content: 'Hello' },
  { role: 'assistant' as const, content: 'Code:\n\n```js\nconst a = 1;\n```' },
  { role: 'user' as const, content: 'More' },
  { role: 'assistant' as const, content: 'Sure.' },
];

/** The controls a visitor presses, by part, that must be on screen for this check to mean anything. */
const NAMED = [
  'launcher',
  'clear-button',
  'close-button',
  'copy-button',
  'edit-button',
  'regenerate-button',
  'delete-button',
  'send-button',
];

/** Every laid-out button of the element (hidden action rows included: they appear under the pointer or finger). */
const buttons = (el: FalconChat) =>
  [...el.shadowRoot!.querySelectorAll<HTMLElement>('button, summary')].filter((b) => b.getClientRects().length);

function expectTargets(el: FalconChat, size: number, names: string[]) {
  const all = buttons(el);
  for (const name of names) expect(parts(el, name).length, `${name} is there`).to.be.greaterThan(0);
  for (const button of all) {
    const { width, height } = button.getBoundingClientRect();
    const label = `${button.getAttribute('part') ?? button.className}: ${Math.round(width)}×${Math.round(height)}`;
    expect(Math.min(width, height), label).to.be.at.least(size);
  }
  return all.length;
}

/** A floating panel holding everything there is to press: header, message actions, code copy, settings, composer. */
async function panelWithEverything() {
  const el = await fixture<FalconChat>(
    html`<falcon-chat mode="floating" open show-settings endpoint=${endpoint}></falcon-chat>`,
  );
  el.messages = CONVERSATION;
  await el.updateComplete;
  return el;
}

/** Stop while an answer streams, and Retry under a failed answer. */
async function stopAndRetry(el: FalconChat, size: number) {
  el.send(offline('A long one', { delay: 30, tokens: 300 }));
  await answerHasStarted(el);
  expectTargets(el, size, ['stop-button']);
  el.stop();
  await el.updateComplete;
  const failed = oneEvent(el, 'falcon-chat-error');
  el.send(offline('Fail', { fault: 'midstream-error', after: 3 }));
  await failed;
  await el.updateComplete;
  expectTargets(el, size, ['retry-button']);
}

describe('<falcon-chat> target sizes', () => {
  afterEach(async () => {
    await executeServerCommand('falcon-coarse-pointer', { enabled: false });
    await setViewport(DESKTOP);
  });

  it('makes every control at least 24 by 24 CSS pixels with a mouse (desktop)', async () => {
    await setViewport(DESKTOP);
    expect(matchMedia('(pointer: coarse)').matches).to.equal(false);
    const el = await panelWithEverything();
    expect(expectTargets(el, TARGET.desktop, NAMED)).to.be.greaterThan(10);
    await stopAndRetry(el, TARGET.desktop);
  });

  for (const lang of ['en', 'ar'] as const) {
    it(`makes every control at least 44 by 44 CSS pixels on touch (phone, ${lang})`, async () => {
      await setViewport(PHONE);
      await executeServerCommand('falcon-coarse-pointer', { enabled: true });
      expect(matchMedia('(pointer: coarse)').matches).to.equal(true);
      const el = await panelWithEverything();
      el.lang = lang;
      await el.updateComplete;
      // Touch has no hover: the "⋯" beside each earlier message is a target too.
      expect(expectTargets(el, TARGET.touch, [...NAMED, 'actions-button'])).to.be.greaterThan(10);
      await stopAndRetry(el, TARGET.touch);
    });
  }
});

describe('<falcon-chat> tooltips', () => {
  afterEach(() => setViewport(DESKTOP));

  // A tip is laid out while hidden (clip-path hides it), so where it would open can be measured without hovering.
  for (const [device, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    for (const lang of ['en', 'fr', 'ar'] as const) {
      it(`opens every tooltip where nothing cuts it off: inside the transcript or the panel (${lang}, ${device})`, async () => {
        await setViewport(viewport);
        const el = await fixture<FalconChat>(
          html`<falcon-chat mode="floating" open lang=${lang} endpoint=${endpoint}></falcon-chat>`,
        );
        el.messages = CONVERSATION;
        await el.updateComplete;
        const tips = [...el.shadowRoot!.querySelectorAll<HTMLElement>('.tip')].filter((t) => t.getClientRects().length);
        expect(tips.length).to.be.greaterThan(5);
        for (const tip of tips) {
          // The transcript scrolls (and clips sideways); the composer's tips have the panel.
          const box = (tip.closest('.transcript') ?? part(el, 'base')!).getBoundingClientRect();
          const { left, right } = tip.getBoundingClientRect();
          const where = `${tip.textContent} at ${Math.round(left)}–${Math.round(right)} in ${Math.round(box.left)}–${Math.round(box.right)}`;
          expect(left >= box.left - 0.5 && right <= box.right + 0.5, where).to.equal(true);
        }
      });
    }
  }
});
