import { expect } from '@open-wc/testing';
import { FRAME_BUDGET, TextPacer } from '../../widget/text-pacer.ts';

/** Every call of `show`, with the number of the animation frame it came in. */
function recorder() {
  const shown: { text: string; frame: number }[] = [];
  let frame = 0;
  let counting = true;
  const count = () => {
    frame += 1;
    if (counting) requestAnimationFrame(count);
  };
  requestAnimationFrame(count);
  return {
    shown,
    show: (text: string) => shown.push({ text, frame }),
    stop: () => (counting = false),
  };
}

describe('TextPacer', () => {
  it('shows a burst in order over several frames, a frame’s budget at a time, never cutting a character in two', async () => {
    const { shown, show, stop } = recorder();
    const pacer = new TextPacer(show);
    // A 10,000-token answer, and a piece longer than a frame's budget in the middle of it, which is
    // cut (the falcon, two UTF-16 units, lands on a cut too).
    const pieces = Array.from({ length: 10_000 }, (_, index) => (index % 7 ? `w${index} ` : '🦅'));
    pieces.splice(5_000, 0, `x${'🦅'.repeat(FRAME_BUDGET)}`);
    for (const piece of pieces) pacer.push(piece);
    const burst = pieces.join('');
    expect(shown).to.have.length(0);
    await pacer.drained();
    stop();

    expect(shown.map(({ text }) => text).join('')).to.equal(burst);
    expect(shown.length).to.be.at.least(Math.ceil(burst.length / (FRAME_BUDGET + 1)));
    for (const { text } of shown) {
      expect(text.length).to.be.at.most(FRAME_BUDGET + 1);
      expect(text.at(-1)).not.to.match(/[\uD800-\uDBFF]/);
    }
    const frames = shown.map(({ frame }) => frame);
    expect(new Set(frames).size).to.equal(frames.length);
  });

  it('drops what it has not shown when cancelled, and then counts as drained', async () => {
    const { shown, show, stop } = recorder();
    const pacer = new TextPacer(show);
    pacer.push('x'.repeat(FRAME_BUDGET * 3));
    const drained = pacer.drained();
    await new Promise((resolve) => requestAnimationFrame(resolve));
    pacer.cancel();
    await drained;
    stop();
    expect(shown.map(({ text }) => text).join('')).to.equal('x'.repeat(FRAME_BUDGET));
  });

  it('shows everything at once on a hidden page, which draws no frames', async () => {
    const shown: string[] = [];
    const pacer = new TextPacer((text) => shown.push(text));
    pacer.push('y'.repeat(FRAME_BUDGET * 3));
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    try {
      void pacer.drained();
      expect(shown.join('')).to.equal('y'.repeat(FRAME_BUDGET * 3));
    } finally {
      delete (document as { hidden?: boolean }).hidden;
    }
    expect(document.hidden).to.equal(false);
  });
});
