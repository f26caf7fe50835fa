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
 * An answer to a question just asked is followed from its start
 * (`followAnswer`): the view follows it until the question reaches the top,
 * and then stays, so that a long answer is read from its beginning while it
 * grows below; "Jump to latest" then goes on to its end.
 *
 * Growth is seen by a ResizeObserver on the scroller and its last child (the
 * message that streams), which reports after the browser's own layout: the
 * geometry read here is already up to date, so no token forces a layout.
 */
export class StickToBottomController implements ReactiveController {
  private follow = true;
  /** Following stops once the last question is at the top. */
  private anchored = false;
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
    this.anchored = false;
    this.lastAutoScrollTop = -1;
    this.keepAtBottom();
  }

  /** Follows the answer to the question just asked, until the question reaches the top. */
  followAnswer(): void {
    this.jumpToBottom();
    this.anchored = true;
  }

  /** The scroller's `scroll` listener. */
  onScroll = (): void => {
    const element = this.scroller();
    if (!element?.clientHeight) return;
    this.noticeVisitor(element);
    this.setAway(!isAtBottom(element));
  };

  /** A scroll this controller did not make: at the bottom the visitor follows the end again, anywhere else they stay. */
  private noticeVisitor(element: HTMLElement): void {
    if (Math.abs(element.scrollTop - this.lastAutoScrollTop) <= 1) return;
    this.follow = isAtBottom(element);
    if (this.follow) this.anchored = false;
    this.lastAutoScrollTop = element.scrollTop;
  }

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
    if (this.lastAutoScrollTop >= 0) this.noticeVisitor(element);
    if (this.follow) {
      element.scrollTop = this.anchored
        ? Math.min(element.scrollHeight, this.questionTop(element))
        : element.scrollHeight;
      this.lastAutoScrollTop = element.scrollTop;
    }
    this.setAway(!isAtBottom(element));
  }

  /** Where the scroller shows the last question at its top (the answer is its last child). */
  private questionTop(element: HTMLElement): number {
    const question = element.lastElementChild?.previousElementSibling as HTMLElement | null;
    const first = element.firstElementChild as HTMLElement | null;
    return question && first ? question.offsetTop - first.offsetTop : element.scrollHeight;
  }

  private setAway(away: boolean): void {
    const control = this.jumpControl();
    if (control && control.hidden === away) control.hidden = !away;
  }
}
