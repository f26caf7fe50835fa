import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How close to the bottom (in px) still counts as reading the latest. */
const AT_BOTTOM_SLACK = 24;

const isAtBottom = (element: HTMLElement) =>
  element.scrollHeight - element.scrollTop - element.clientHeight <= AT_BOTTOM_SLACK;

/**
 * Keeps a scrolling element at its bottom as content grows, but only while
 * the visitor is there: someone who scrolled up to reread is never pulled
 * down (deep-chat #147, gradio #8253), and the "Jump to latest" control
 * (`jumpControl`) shows while they are away. A scroll up is noticed either by its scroll event or, if
 * content grew before that event arrived, by the element no longer being
 * where this controller last put it.
 */
export class StickToBottomController implements ReactiveController {
  private follow = true;
  private lastAutoScrollTop = 0;
  constructor(
    host: ReactiveControllerHost,
    private readonly scroller: () => HTMLElement | null,
    /** Shown and hidden here, after measuring, so that it costs no second render. */
    private readonly jumpControl: () => HTMLElement | null,
  ) {
    host.addController(this);
  }

  /** Scrolls to the bottom and follows again, wherever the visitor was (they just asked something, or asked to). */
  jumpToBottom(): void {
    this.follow = true;
    this.lastAutoScrollTop = 0;
    this.hostUpdated();
  }

  /** The scroller's `scroll` listener. */
  onScroll = (): void => {
    const element = this.scroller();
    if (!element?.clientHeight) return;
    if (isAtBottom(element)) {
      this.follow = true;
      this.lastAutoScrollTop = element.scrollTop;
    } else if (element.scrollTop < this.lastAutoScrollTop - 1) this.follow = false;
    this.setAway(!this.follow);
  };

  hostUpdated(): void {
    const element = this.scroller();
    // Hidden (a closed floating panel): nothing to measure.
    if (!element?.clientHeight) return;
    if (isAtBottom(element)) this.follow = true;
    else if (element.scrollTop < this.lastAutoScrollTop - 1) this.follow = false;
    if (this.follow) {
      element.scrollTop = element.scrollHeight;
      this.lastAutoScrollTop = element.scrollTop;
    }
    this.setAway(!this.follow);
  }

  private setAway(away: boolean): void {
    const control = this.jumpControl();
    if (control) control.hidden = !away;
  }
}
