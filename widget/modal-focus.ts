import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { PHONE_MEDIA } from './phone-media.ts';

const FOCUSABLE = 'a[href], button, input, textarea, select, summary, [tabindex]';

/**
 * A panel that covers the page (full screen, or the floating panel on a
 * phone) is modal, as a dialog would be: the page behind it is made `inert`
 * (so neither Tab nor a screen reader's cursor can wander into what cannot be
 * seen) and Tab wraps around inside the panel. The page's own `inert`
 * elements are left as they were, and everything is given back when the
 * panel stops covering the page or the element leaves it.
 */
export class ModalFocusController implements ReactiveController {
  private readonly phone = matchMedia(PHONE_MEDIA);
  private inerted: HTMLElement[] = [];

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    /** Whether the panel covers the page, given whether the screen is a phone's. */
    private readonly covers: (phone: boolean) => boolean,
    private readonly panel: () => HTMLElement | null,
  ) {
    host.addController(this);
  }

  get active(): boolean {
    return this.covers(this.phone.matches);
  }

  hostConnected(): void {
    this.phone.addEventListener('change', this.onMediaChange);
    this.host.addEventListener('keydown', this.onKeydown);
  }

  hostDisconnected(): void {
    this.phone.removeEventListener('change', this.onMediaChange);
    this.host.removeEventListener('keydown', this.onKeydown);
    this.release();
  }

  hostUpdated(): void {
    if (!this.active) this.release();
    else if (!this.inerted.length) this.hold();
  }

  private onMediaChange = (): void => this.host.requestUpdate();

  /** Every sibling of the element and of each of its ancestors up to <body>. */
  private hold(): void {
    for (let node: HTMLElement = this.host; node.parentElement && node !== document.body; node = node.parentElement) {
      for (const sibling of node.parentElement.children) {
        if (sibling === node || !(sibling instanceof HTMLElement) || sibling.inert) continue;
        if (sibling instanceof HTMLScriptElement || sibling instanceof HTMLStyleElement) continue;
        sibling.inert = true;
        this.inerted.push(sibling);
      }
    }
  }

  private release(): void {
    for (const element of this.inerted) element.inert = false;
    this.inerted = [];
  }

  /** Tab past the last control comes back to the first, Shift+Tab before the first goes to the last. */
  private onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Tab' || !this.active) return;
    const panel = this.panel();
    if (!panel) return;
    const controls = [...panel.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (control) =>
        control.tabIndex >= 0 &&
        !(control as HTMLButtonElement).disabled &&
        control.checkVisibility({ checkVisibilityCSS: true }),
    );
    const current = controls.indexOf(this.host.shadowRoot?.activeElement as HTMLElement);
    const wrap = event.shiftKey ? current <= 0 : current === controls.length - 1 || current < 0;
    if (!wrap || !controls.length) return;
    event.preventDefault();
    controls.at(event.shiftKey ? -1 : 0)!.focus();
  };
}
