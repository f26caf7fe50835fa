import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How close to the bottom (in px) still counts as reading the latest. */
const AT_BOTTOM_SLACK = 24;

/**
 * Keeps a scrolling element at its bottom as content grows, but only when the
 * visitor was already there: someone who scrolled up to reread is never
 * pulled down (deep-chat #147, gradio #8253).
 */
export class StickToBottomController implements ReactiveController {
  private follow = true;
  private jumpRequested = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly scroller: () => HTMLElement | null,
  ) {
    host.addController(this);
  }

  /** Scrolls to the bottom after the next update wherever the visitor is (they just asked something). */
  jumpToBottom(): void {
    this.jumpRequested = true;
  }

  hostUpdate(): void {
    const element = this.scroller();
    this.follow =
      this.jumpRequested ||
      !element ||
      element.scrollHeight - element.scrollTop - element.clientHeight <= AT_BOTTOM_SLACK;
    this.jumpRequested = false;
  }

  hostUpdated(): void {
    const element = this.scroller();
    if (this.follow && element) element.scrollTop = element.scrollHeight;
  }
}
