import { expect, oneEvent } from '@open-wc/testing';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { en } from '../../widget/strings.ts';

type RecordingWindow = Window & typeof globalThis & { pageErrors: string[]; warnings: string[] };

/**
 * A page that got the built script from npm or a CDN: the script is served by
 * this test server, which has no chat API, and `endpoint` is not set. The page
 * records its uncaught errors and console warnings.
 */
async function pageWith(scriptTags: string) {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html>
    <script>
      window.pageErrors = [];
      window.warnings = [];
      addEventListener('error', (event) => pageErrors.push(String(event.message)));
      const warn = console.warn;
      console.warn = (...args) => { warnings.push(args.join(' ')); warn(...args); };
    </script>
    ${scriptTags}
    <falcon-chat></falcon-chat>`;
  const loaded = oneEvent(frame, 'load');
  document.body.append(frame);
  await loaded;
  const frameWindow = frame.contentWindow as RecordingWindow;
  await frameWindow.customElements.whenDefined('falcon-chat');
  const el = frame.contentDocument!.querySelector('falcon-chat') as FalconChat;
  await el.updateComplete;
  return { frame, frameWindow, el };
}

describe('the built element from npm or a CDN', () => {
  let frame: HTMLIFrameElement | undefined;
  afterEach(() => frame?.remove());

  it('loads twice on one page (both builds, one of them twice) without an error', async () => {
    const page = await pageWith(`
      <script src="/dist/falcon-chat.iife.js"></script>
      <script src="/dist/falcon-chat.iife.js"></script>
      <script type="module" src="/dist/falcon-chat.js"></script>`);
    frame = page.frame;
    // The module script runs after the page has loaded; give it its turn.
    await new Promise((resolve) => page.frameWindow.setTimeout(resolve));
    expect(page.frameWindow.pageErrors).to.deep.equal([]);
    expect(page.el.shadowRoot!.querySelector('[part~="input"]')).to.exist;
  });

  it('without endpoint, says the chat is not set up and tells the site owner once which attribute to set', async () => {
    const page = await pageWith('<script src="/dist/falcon-chat.iife.js"></script>');
    frame = page.frame;
    const { el, frameWindow } = page;
    const tried = `${location.origin}/api/chat`;
    expect(el.endpoint).to.equal(tried);

    for (const question of ['Hello?', 'Anyone there?']) {
      const failed = oneEvent(el, 'falcon-chat-error');
      el.send(question);
      const { detail } = await failed;
      await el.updateComplete;
      expect(detail.code).to.equal('no-api');
      expect(el.shadowRoot!.querySelector('[part~="error"]')!.textContent).to.contain(en.errors['no-api'] as string);
    }
    // One warning for both questions, naming the attribute and the address tried.
    const warnings = frameWindow.warnings.filter((warning) => warning.includes('falcon-chat'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('endpoint').and.to.contain(tried);
    // Typed text and the questions are kept.
    expect(el.messages.filter((message) => message.role === 'user').map((message) => message.content)).to.deep.equal([
      'Hello?',
      'Anyone there?',
    ]);
  });
});
