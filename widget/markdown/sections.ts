/**
 * A long answer's finished sections are laid aside. The browser styles, lays
 * out and pre-paints a subtree in proportion to its size whenever something in
 * it changes, and a long answer changes at its end every frame while it is
 * written: with 5,000 elements above, each frame took 10–20 ms for the same
 * few new lines. So the renderer groups an answer's top-level blocks into
 * sections (dom-renderer.ts), and a section two behind the one being written
 * gets `content-visibility: auto`: while it is out of sight the browser skips
 * its contents and takes it at its measured size. It is still in the DOM, the
 * accessibility tree, find-in-page, the tab order and a selection (any of
 * these, or scrolling near it, renders it again), and the browser remembers
 * its size from then on (`contain-intrinsic-size: auto`).
 */
let observer: ResizeObserver | undefined;

/**
 * Lays `section` aside at its measured size once it has been laid out: a
 * ResizeObserver measures it after a frame has laid it out (no forced
 * layout), and the next frame lays it aside, before that frame's own changes
 * (styles changed in the observer's callback would be laid out again at once).
 * It is observed from a frame's start: a target added while notifications are
 * delivered (another observer's callback wrote the answer) is an error.
 */
export function layAside(section: HTMLElement): void {
  requestAnimationFrame(() => {
    observer ??= new ResizeObserver(onMeasured);
    observer.observe(section);
  });
}

function onMeasured(entries: ResizeObserverEntry[]): void {
  for (const { target, contentBoxSize } of entries) {
    const [{ inlineSize, blockSize }] = contentBoxSize;
    const { style, isConnected } = target as HTMLElement;
    // Not laid out (a hidden panel): measured when it is.
    if (blockSize || !isConnected) observer!.unobserve(target);
    if (blockSize && isConnected)
      requestAnimationFrame(() => {
        // (Answers are laid out horizontally: the inline size is the width.)
        style.containIntrinsicSize = `auto ${inlineSize}px auto ${blockSize}px`;
        style.contentVisibility = 'auto';
      });
  }
}
