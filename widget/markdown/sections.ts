/**
 * A long answer's finished sections are laid aside. The browser styles, lays
 * out and pre-paints a subtree in proportion to its size whenever something in
 * it changes, and a long answer changes at its end every frame while it is
 * written: with 5,000 elements above, each frame took 10–20 ms for the same
 * few new lines. So the renderer groups an answer's top-level blocks into
 * sections (dom-renderer.ts), and a section two behind the one being written
 * gets `content-visibility: auto` (markdown.styles.ts): while it is out of
 * sight the browser skips its contents and takes it at its measured size. It
 * is still in the DOM, the accessibility tree, find-in-page, the tab order and
 * a selection (any of these, or scrolling near it, renders it again), and
 * the browser remembers its size from then on (`contain-intrinsic-size: auto`).
 */
export const SECTION_CLASS = 'section';
export const ASIDE_CLASS = 'aside';

/**
 * Lays finished sections aside at their measured size: a ResizeObserver
 * measures each after the frame that laid it out (no forced layout), and the
 * next frame lays it aside, before that frame's own changes.
 */
export class SectionsAside {
  private observer?: ResizeObserver;
  private measured: [HTMLElement, ResizeObserverSize][] = [];
  private frame = 0;

  /** Lays `section` aside once it has been laid out (it gets no more blocks). */
  add(section: HTMLElement): void {
    if (typeof ResizeObserver === 'undefined') return;
    this.observer ??= new ResizeObserver((entries) => this.onMeasured(entries));
    this.observer.observe(section);
  }

  /** Forgets every section (the answer is rendered anew). */
  clear(): void {
    this.observer?.disconnect();
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.measured = [];
  }

  private onMeasured(entries: ResizeObserverEntry[]): void {
    for (const entry of entries) {
      const size = entry.contentBoxSize?.[0];
      // Not laid out (a hidden page or panel): measured when it is.
      if (!size?.blockSize) continue;
      this.observer!.unobserve(entry.target);
      this.measured.push([entry.target as HTMLElement, size]);
    }
    // Styles changed here would be laid out again in this frame: the next one lays them aside.
    if (this.measured.length) this.frame ||= requestAnimationFrame(() => this.layAside());
  }

  private layAside(): void {
    this.frame = 0;
    for (const [section, size] of this.measured.splice(0)) {
      section.style.setProperty('contain-intrinsic-inline-size', `auto ${size.inlineSize}px`);
      section.style.setProperty('contain-intrinsic-block-size', `auto ${size.blockSize}px`);
      section.classList.add(ASIDE_CLASS);
    }
  }
}
