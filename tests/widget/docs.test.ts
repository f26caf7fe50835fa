import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { offline, part } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

interface Size {
  raw: number;
  gzip: number;
  brotli: number;
}

/** The page area to capture, in CSS pixels. */
function clipOf(element: Element, margin = 0) {
  const { left, top, width, height } = element.getBoundingClientRect();
  return {
    x: Math.max(0, left - margin),
    y: Math.max(0, top - margin),
    width: width + 2 * margin,
    height: height + 2 * margin,
  };
}

async function screenshot(name: string, clip: ReturnType<typeof clipOf>) {
  await new Promise(requestAnimationFrame);
  expect(await executeServerCommand('falcon-screenshot', { name, clip })).to.equal(true);
}

describe('the package', () => {
  it('keeps the classic script, everything included, under 26 KB gzip (resumable answers took 1 KB)', async () => {
    const sizes = await executeServerCommand<{ iife: Size; es: Size }, undefined>('falcon-bundle-size');
    expect(sizes!.iife.gzip).to.be.below(26_000);
    expect(sizes!.es.gzip).to.be.below(26_000);
  });

  it('documents the element in the README exactly as the manifest describes it (run `npx tsx docs/element-api.ts`)', async () => {
    const { upToDate } = (await executeServerCommand<{ upToDate: boolean }, undefined>('falcon-element-api'))!;
    expect(upToDate).to.equal(true);
  });
});

/** An answered question; the offline model's directive rides in the system message, out of the picture. */
async function ask(el: FalconChat, question: string, directive: Record<string, number> = {}) {
  el.systemMessage = offline('', directive);
  const response = oneEvent(el, 'falcon-chat-response');
  el.send(question);
  await response;
  await el.updateComplete;
}

describe('README screenshots (docs/screenshots/)', () => {
  const viewport = { width: window.innerWidth, height: window.innerHeight };
  before(() => setViewport({ width: 1280, height: 1000 }));
  after(() => setViewport(viewport));

  it('inline, light', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat heading="Ask Falcon" endpoint=${endpoint}></falcon-chat>`);
    el.style.setProperty('--falcon-chat-height', '48rem');
    el.style.setProperty('width', '36rem');
    await ask(el, 'How do I embed falcon-chat?');
    await screenshot('inline', clipOf(el, 8));
  });

  it('floating, open above its launcher', async () => {
    const el = await fixture<FalconChat>(html`<falcon-chat
      mode="floating"
      heading="Example Shop help"
      greeting="Hi! I can help with **orders**, **returns** and **sizes**."
      suggestions="Where is my order?|How do I return something?|Which size should I pick?"
      endpoint=${endpoint}
    ></falcon-chat>`);
    el.show();
    await el.updateComplete;
    const width = 460;
    const height = 680;
    await screenshot('floating', { x: window.innerWidth - width, y: window.innerHeight - height, width, height });
  });

  it('dark', async () => {
    const el = await fixture<FalconChat>(
      html`<falcon-chat theme="dark" heading="Ask Falcon" endpoint=${endpoint}></falcon-chat>`,
    );
    el.style.setProperty('--falcon-chat-height', '48rem');
    el.style.setProperty('width', '36rem');
    await ask(el, 'Show me a table', { tokens: 150 });
    part(el, 'transcript')!.scrollTop = 0;
    await screenshot('dark', clipOf(el));
  });
});
