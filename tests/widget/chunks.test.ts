import { expect, oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { LoadSets } from '../bench/size.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { offline } from './support/chat-helpers.ts';
import { workerUrl } from './support/stack-urls.ts';

type EmbeddingWindow = Window & typeof globalThis & { cspViolations: string[] };

/**
 * The built ES module in a page whose CSP allows only the entry script and
 * the chunks named in `allowed`: every other chunk is blocked, as an
 * offline visitor or a filtering proxy would block it.
 */
async function embedWithOnly(allowed: string[]) {
  const policy = [
    "default-src 'none'",
    `script-src ${location.origin} ${workerUrl}/falcon-chat.js ${allowed.map((file) => `${workerUrl}/${file}`).join(' ')}`,
    "style-src 'none'",
    `connect-src ${workerUrl}`,
    "require-trusted-types-for 'script'",
    'trusted-types lit-html',
  ].join('; ');
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html>
    <meta http-equiv="Content-Security-Policy" content="${policy}">
    <script src="/tests/widget/support/record-csp-violations.js"></script>
    <script type="module" src="${workerUrl}/falcon-chat.js"></script>
    <falcon-chat lang="fr" show-settings persist="local" storage-key="chunks-test"></falcon-chat>`;
  const loaded = oneEvent(frame, 'load');
  document.body.append(frame);
  await loaded;
  const frameWindow = frame.contentWindow as EmbeddingWindow;
  await frameWindow.customElements.whenDefined('falcon-chat');
  const el = frame.contentDocument!.querySelector('falcon-chat') as FalconChat;
  await el.updateComplete;
  return { frame, frameWindow, el };
}

async function chunkNamed(prefix: string): Promise<string> {
  const sets = (await executeServerCommand<LoadSets, undefined>('falcon-bundle-size'))!;
  return sets.files.find((file) => file.file.startsWith(`chunks/${prefix}-`))!.file;
}

describe('the answer chunk', () => {
  let frame: HTMLIFrameElement | undefined;
  afterEach(() => frame?.remove());

  it('is not loaded by a page where nobody chats, and is fetched when the visitor focuses the input', async () => {
    const answerChunk = await chunkNamed('answer-chunk');
    const embedded = await embedWithOnly([answerChunk]);
    frame = embedded.frame;
    const { el, frameWindow } = embedded;
    const requested = () =>
      frameWindow.performance.getEntriesByType('resource').some((entry) => entry.name.endsWith(answerChunk));
    expect(requested()).to.equal(false);
    el.shadowRoot!.querySelector<HTMLTextAreaElement>('[part~="input"]')!.focus();
    await el.updateComplete;
    expect(requested()).to.equal(true);
  });
});

describe('chunks that fail to load', () => {
  let frame: HTMLIFrameElement | undefined;
  afterEach(() => frame?.remove());

  it('degrade their feature with a message, and the chat still answers', async () => {
    const embedded = await embedWithOnly([await chunkNamed('answer-chunk'), await chunkNamed('message-actions')]);
    frame = embedded.frame;
    const { el, frameWindow } = embedded;
    const root = el.shadowRoot!;
    // No French words: English instead. No settings panel: a sentence in its place.
    expect(root.querySelector<HTMLTextAreaElement>('[part~="input"]')!.placeholder).to.equal('Ask a question…');
    expect(root.querySelector('[part~="settings"]')!.textContent).to.contain('could not be reached');
    expect(root.querySelector('[part~="system-message-input"]')).to.equal(null);

    const answered = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Hello without chunks'));
    const { detail } = await answered;
    expect(detail.text).to.contain('offline demo model');
    await el.updateComplete;
    // The markdown renderer comes with the reader; without the highlighter's chunk the code is plain, and all there.
    const answer = root.querySelector('[part~="assistant-message"] [part~="message-content"]')!;
    expect(answer.textContent).to.contain('offline demo model');
    expect(answer.querySelector('strong')?.textContent).to.equal('Tokens');
    expect(answer.querySelector('pre code')!.textContent).to.contain('answered offline');
    expect(answer.querySelector('pre code *')).to.equal(null);

    // No edit form: pressing Edit says so, and the question stays as it was.
    root.querySelector<HTMLButtonElement>('[part~="edit-button"]')!.click();
    await el.updateComplete;
    expect(root.querySelector('[part~="user-message"]')!.textContent).to.contain('could not be reached');
    expect(el.messages).to.have.length(2);
    expect(frameWindow.cspViolations.some((line) => line.includes('/chunks/'))).to.equal(true);
  });

  it('without the message buttons, say so under the answer, and the chat still answers', async () => {
    const embedded = await embedWithOnly([await chunkNamed('answer-chunk')]);
    frame = embedded.frame;
    const { el } = embedded;
    const root = el.shadowRoot!;
    const answered = oneEvent(el, 'falcon-chat-response');
    el.send(offline('Hello without buttons'));
    await answered;
    await el.updateComplete;
    expect(root.querySelector('[part~="assistant-message"] [part~="message-content"]')!.textContent).to.contain(
      'offline demo model',
    );
    expect(root.querySelector('[part~="copy-button"]')).to.equal(null);
    expect(root.querySelector('[part~="assistant-message"] [part~="message-note"]')!.textContent).to.contain(
      'could not be reached',
    );
    // The next question is asked as the first was.
    const again = oneEvent(el, 'falcon-chat-response');
    el.send(offline('And again'));
    await again;
    expect(el.messages).to.have.length(4);
  });

  it("without the worker's error codes, show a failed answer as the service's fault, and the chat goes on", async () => {
    const embedded = await embedWithOnly([await chunkNamed('answer-chunk'), await chunkNamed('message-actions')]);
    frame = embedded.frame;
    const { el } = embedded;
    const failed = oneEvent(el, 'falcon-chat-error');
    // A rate limit, which the codes' chunk would name as such: without it, the generic sentence.
    el.send(offline('Limited without the codes', { fault: 'http-429' }));
    const { detail } = await failed;
    expect(detail.code).to.equal('server');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="error"]')!.textContent).to.contain('Something went wrong on our side');
    const answered = oneEvent(el, 'falcon-chat-response');
    el.send(offline('And then a question that works'));
    const { detail: answer } = await answered;
    expect(answer.text).to.contain('offline demo model');
  });

  /** A page whose stored conversation ends with `answer`, with persistence's chunk and not the answer chunk. */
  async function restoredWithoutAnswerChunk(answer: string) {
    localStorage.setItem(
      'chunks-test',
      JSON.stringify({
        version: 1,
        messages: [
          { role: 'user', content: 'A stored question' },
          { role: 'assistant', content: answer, status: 'complete' },
        ],
      }),
    );
    try {
      const embedded = await embedWithOnly([await chunkNamed('conversation-store')]);
      frame = embedded.frame;
      const shown = embedded.el.shadowRoot!.querySelector('[part~="assistant-message"] [part~="message-content"]')!;
      return { el: embedded.el, shown };
    } finally {
      localStorage.removeItem('chunks-test');
    }
  }

  it('without the answer chunk, show a stored answer in full as plain text', async () => {
    const answer = `**Bold** words and a list:\n\n- one\n- two\n\n${'A long paragraph. '.repeat(400)}The end.`;
    const { shown } = await restoredWithoutAnswerChunk(answer);
    expect(shown.textContent).to.equal(answer);
    expect(shown.querySelector('strong')).to.equal(null);
  });

  it('without the answer chunk, show a long stored answer up to what one task lays out, then … (issue 11)', async () => {
    const answer = 'A long paragraph of a stored answer. '.repeat(3_000);
    const { el, shown } = await restoredWithoutAnswerChunk(answer);
    // 32 KiB of plain text is laid out in about 20 ms; the whole answer stays in the conversation.
    expect(shown.textContent).to.equal(`${answer.slice(0, 32_768)} …`);
    expect(el.messages.at(-1)!.content).to.equal(answer);
  });

  it('without the answer chunk, fail the question as a network error and keep what the visitor typed', async () => {
    const embedded = await embedWithOnly([]);
    frame = embedded.frame;
    const { el } = embedded;
    const failed = oneEvent(el, 'falcon-chat-error');
    el.send('A question that cannot be read back');
    const { detail } = await failed;
    expect(detail.code).to.equal('network');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector<HTMLTextAreaElement>('[part~="input"]')!.value).to.equal(
      'A question that cannot be read back',
    );
    // The conversation shows as plain text, each message named for a screen reader: the question, and why it has no answer.
    const root = el.shadowRoot!;
    const question = root.querySelector('[part~="user-message"]')!;
    expect(question.querySelector('[part~="message-content"]')!.textContent).to.equal(
      'A question that cannot be read back',
    );
    expect(question.querySelector('.visually-hidden')!.textContent).to.equal('You:');
    expect(root.querySelector('[part~="error"]')!.textContent).to.contain('could not be reached');
  });
});
