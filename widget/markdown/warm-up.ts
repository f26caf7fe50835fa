/** What the warm-up needs of a markdown view (transcript.ts makes the views and calls this module: no import back). */
interface MarkdownView {
  readonly root: HTMLElement;
  sync(content: string, streaming: boolean): void;
}

/**
 * What answers use, one kind per idle step. The frame that first shows each
 * on a page pays for it once: the browser looks up a font (emoji, monospace,
 * bold, each heading size; up to 28 ms on a phone) and V8 compiles the
 * parser's path (tables, code blocks).
 */
const SAMPLES = ['# A\n## A', '**A** *a* `a` ‑ ✓', '```\na\n```\n|a|\n|-|\n|a|', '- 🦅'];

/** Once per page: fonts and compiled code serve every element on it. */
let started = false;

const whenIdle = (callback: () => void) =>
  typeof requestIdleCallback === 'function'
    ? requestIdleCallback(callback, { timeout: 2_000 })
    : setTimeout(callback, 50);

/**
 * Renders the samples, one per idle callback, with a markdown view of the
 * element's own into `frame`, beside the transcript (not in its live region),
 * as `.warm-up`: laid out but never painted, and inert, so neither focusable
 * nor read. None of these costs then lands in the frames of the first answer,
 * and no step is a long task of its own. Called when the visitor shows intent
 * to chat; stops if the element leaves the page.
 */
export function warmUpMarkdown(frame: HTMLElement | null, createView: () => MarkdownView): void {
  if (started) return;
  started = true;
  const view = createView();
  const box = view.root;
  box.classList.add('warm-up');
  box.inert = true;
  let step = 0;
  const next = () => {
    // Gone from the page, or a closed panel (no layout, so nothing would be looked up): wait for the next sign of intent.
    if (!frame?.offsetParent) {
      box.remove();
      started = false;
      return;
    }
    view.sync(SAMPLES[step++], false);
    frame.append(box);
    // Laid out in this step rather than in the next frame.
    void box.offsetWidth;
    if (step < SAMPLES.length) whenIdle(next);
    else box.remove();
  };
  whenIdle(next);
}
