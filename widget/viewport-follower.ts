import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * While `active()`, copies the visual viewport (the part of the page not
 * covered by the on-screen keyboard) into `--falcon-chat-viewport-height`
 * and `--falcon-chat-viewport-top` on `target()`. The styles use them on
 * phones, where the open panel covers the screen, so the input stays above
 * the keyboard. Custom properties set through CSSOM need no inline style,
 * so this works under a strict Content-Security-Policy.
 */
export class ViewportFollower implements ReactiveController {
  private following = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly active: () => boolean,
    private readonly target: () => HTMLElement | null,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const viewport = window.visualViewport;
    const follow = this.active() && viewport != null;
    if (follow === this.following) return;
    this.following = follow;
    for (const type of ['resize', 'scroll']) {
      if (follow) viewport!.addEventListener(type, this.apply);
      else viewport?.removeEventListener(type, this.apply);
    }
    if (follow) this.apply();
  }

  hostDisconnected(): void {
    window.visualViewport?.removeEventListener('resize', this.apply);
    window.visualViewport?.removeEventListener('scroll', this.apply);
    this.following = false;
  }

  private apply = (): void => {
    const viewport = window.visualViewport;
    const target = this.target();
    if (!viewport || !target) return;
    target.style.setProperty('--falcon-chat-viewport-height', `${viewport.height}px`);
    target.style.setProperty('--falcon-chat-viewport-top', `${viewport.offsetTop}px`);
  };
}
