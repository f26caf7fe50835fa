import { expect, oneEvent } from '@open-wc/testing';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { offline } from './support/chat-helpers.ts';
import { workerUrl } from './support/stack-urls.ts';

/**
 * Strict, as docs/security.md §6 asks: no inline script or style at all, no eval,
 * only Lit's Trusted Types policy, and the network limited to the worker.
 */
const strictPolicy = [
  "default-src 'none'",
  `script-src ${location.origin} ${workerUrl}`,
  "style-src 'none'",
  `connect-src ${workerUrl}`,
  "base-uri 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
].join('; ');

type EmbeddingWindow = Window & typeof globalThis & { cspViolations: string[] };

/**
 * The built scripts as a site owner embeds them: loaded from the worker's
 * origin into a page on another origin (this test server) under a strict CSP,
 * with no endpoint configured. The element must find the worker from its own
 * script's URL.
 */
async function embed(scriptTag: string) {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html>
    <meta http-equiv="Content-Security-Policy" content="${strictPolicy}">
    <script src="/tests/widget/support/record-csp-violations.js"></script>
    ${scriptTag}
    <falcon-chat show-settings></falcon-chat>
    <falcon-chat mode="floating" theme="dark" greeting="Hello from **the launcher**"></falcon-chat>`;
  const loaded = oneEvent(frame, 'load');
  document.body.append(frame);
  await loaded;
  const frameWindow = frame.contentWindow as EmbeddingWindow;
  await frameWindow.customElements.whenDefined('falcon-chat');
  const [el, floating] = frame.contentDocument!.querySelectorAll('falcon-chat') as NodeListOf<FalconChat>;
  await el.updateComplete;
  return { frame, frameWindow, el, floating };
}

for (const [build, scriptTag] of [
  ['ES module', `<script type="module" src="${workerUrl}/falcon-chat.js"></script>`],
  ['classic IIFE', `<script src="${workerUrl}/falcon-chat.iife.js"></script>`],
]) {
  describe(`the built ${build} embedded from the worker's origin`, () => {
    let frame: HTMLIFrameElement | undefined;
    afterEach(() => frame?.remove());

    it('posts to /api/chat on the script’s origin, streams and fails in place, and breaks no strict CSP', async () => {
      const embedded = await embed(scriptTag);
      frame = embedded.frame;
      const { el, frameWindow } = embedded;
      expect(new URL(frame.contentDocument!.baseURI).origin).to.equal(location.origin);
      expect(el.endpoint).to.equal(`${workerUrl}/api/chat`);
      // Styled although style-src is 'none': Lit's styles are adopted stylesheets.
      const transcript = el.shadowRoot!.querySelector('[part~="transcript"]')!;
      expect(frameWindow.getComputedStyle(transcript).overflowY).to.equal('auto');

      const response = oneEvent(el, 'falcon-chat-response');
      el.send(offline('Hello from an embedding page'));
      const { detail } = await response;
      expect(detail.text).to.contain('offline demo model');

      // Markdown renders under the same policy, as DOM nodes (no string reaches an HTML sink under Trusted Types).
      const answer = el.shadowRoot!.querySelector('[part~="assistant-message"] [part~="message-content"]')!;
      expect(answer.querySelector('li strong')).to.exist;
      expect(answer.querySelector('a[href^="https://huggingface.co/"]')).to.exist;
      const copyCode = answer.querySelector<HTMLButtonElement>('.code-block button')!;
      copyCode.click();
      // The message buttons are a chunk of their own, loaded as the answer ends: under the same policy too.
      await el.updateComplete;
      el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="copy-button"]')!.click();

      // The error block and Retry render under the same policy.
      const failed = oneEvent(el, 'falcon-chat-error');
      el.send(offline('And now fail', { fault: 'midstream-error' }));
      await failed;
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part~="retry-button"]')).to.exist;

      // The floating panel opens, follows the viewport and themes itself with classes and custom properties only.
      const { floating } = embedded;
      const launcher = floating.shadowRoot!.querySelector<HTMLButtonElement>('[part~="launcher"]')!;
      // Positioned inside the shadow root, where no page rule reaches.
      expect(frameWindow.getComputedStyle(launcher).position).to.equal('fixed');
      launcher.click();
      await floating.updateComplete;
      const panel = floating.shadowRoot!.querySelector('[part~="base"]')!;
      expect((panel as HTMLElement).hidden).to.equal(false);
      expect(frameWindow.getComputedStyle(panel).backgroundColor).to.equal('rgb(21, 25, 30)');
      expect(panel.querySelector('[part~="greeting"] strong')!.textContent).to.equal('the launcher');
      expect((panel as HTMLElement).style.getPropertyValue('--falcon-chat-viewport-height')).to.match(/px$/);
      await new Promise((resolve) => frameWindow.requestAnimationFrame(resolve));
      expect(frameWindow.cspViolations).to.deep.equal([]);
    });
  });
}
