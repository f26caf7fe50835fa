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
 *
 * Growth is seen by a ResizeObserver on the scroller and its last child (the
 * message that streams), which reports after the browser's own layout: the
 * geometry read here is already up to date, so no token forces a layout.
 */
export class StickToBottomController implements ReactiveController {
  private follow = true;
  private lastAutoScrollTop = 0;
  private readonly resizes = new ResizeObserver(() => this.keepAtBottom());
  private watched: (Element | null | undefined)[] = [];

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
    this.keepAtBottom();
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

  hostConnected(): void {
    this.watch();
  }

  hostUpdated(): void {
    this.watch();
  }

  hostDisconnected(): void {
    this.resizes.disconnect();
    this.watched = [];
  }

  /** Observes the scroller and its last child, once they are rendered and whenever the last child changes. */
  private watch(): void {
    const scroller = this.scroller();
    const targets = [scroller, scroller?.lastElementChild];
    if (targets.every((target, index) => target === this.watched[index])) return;
    this.resizes.disconnect();
    for (const target of targets) if (target) this.resizes.observe(target, { box: 'border-box' });
    this.watched = targets;
  }

  private keepAtBottom(): void {
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
    if (control && control.hidden === away) control.hidden = !away;
  }
}
