import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { offline, part } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

import type { LoadSets } from '../bench/size.ts';

/** The limits of issue 15: a small entry, and room for a first answer's chunks. */
const ENTRY_LIMIT = 16 * 1024;
const FIRST_ANSWER_LIMIT = 25 * 1024;

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
  it('keeps each entry script within 16 KiB gzip, and a first answer within 25 KiB in all', async () => {
    const sets = (await executeServerCommand<LoadSets, undefined>('falcon-bundle-size'))!;
    const gzip = (name: string) => sets.files.find((file) => file.file === name)!.gzip;
    expect(gzip('falcon-chat.js')).to.be.at.most(ENTRY_LIMIT);
    expect(gzip('falcon-chat.iife.js')).to.be.at.most(ENTRY_LIMIT);
    // The classic script loads the ES entry next to it, so a classic page pays for both.
    expect(sets.beforeFirstQuestion.files).to.include('falcon-chat.js');
    expect(sets.throughFirstAnswer.gzip + gzip('falcon-chat.iife.js')).to.be.at.most(FIRST_ANSWER_LIMIT);
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
