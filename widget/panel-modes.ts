/**
 * What the floating and full-screen modes add to the panel, a chunk of its
 * own that inline elements never load: following the visual viewport above a
 * phone's keyboard, and holding focus while the panel covers the page.
 */
export { ModalFocusController } from './modal-focus.ts';
export { ViewportFollower } from './viewport-follower.ts';
