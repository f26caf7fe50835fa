import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/falcon-chat.ts';
import type { FalconChat } from '../../widget/falcon-chat.ts';
import { answerHasStarted, input, offline, offlineLog, part, parts, uniqueTag } from './support/chat-helpers.ts';
import { endpoint } from './support/stack-urls.ts';

async function answered(el: FalconChat, question: string) {
  const response = oneEvent(el, 'falcon-chat-response');
  el.send(question);
  const { detail } = await response;
  await el.updateComplete;
  return detail;
}

/** The button of `part` inside message `index` (negative counts from the end). */
function actionOf(el: FalconChat, index: number, name: string): HTMLButtonElement | null {
  return parts(el, 'message').at(index)!.querySelector<HTMLButtonElement>(`[part~="${name}"]`);
}

describe('<falcon-chat> conversation actions', () => {
  let el: FalconChat;

  beforeEach(async () => {
    el = await fixture<FalconChat>(html`<falcon-chat endpoint=${endpoint}></falcon-chat>`);
  });

  it('copies a question and an answer (as markdown) to the clipboard', async () => {
    const { text } = await answered(el, offline('Copy me'));
    actionOf(el, -1, 'copy-button')!.click();
    await waitUntil(() => actionOf(el, -1, 'copy-button')!.textContent === 'Copied', 'no Copied feedback', {
      timeout: 5_000,
    });
    expect(await navigator.clipboard.readText()).to.equal(text);

    actionOf(el, 0, 'copy-button')!.click();
    await waitUntil(
      async () => (await navigator.clipboard.readText()) === el.messages[0].content,
      'question not copied',
      { timeout: 5_000 },
    );
  });

  it('copies a code block with its Copy code button', async () => {
    await answered(el, offline('Code please'));
    const block = parts(el, 'assistant-message')[0].querySelector('.code-block')!;
    const button = block.querySelector('button')!;
    button.click();
    await waitUntil(() => button.textContent === 'Copied', 'no Copied feedback', { timeout: 5_000 });
    expect(await navigator.clipboard.readText()).to.equal(block.querySelector('code')!.textContent);
  });

  it('regenerates the last answer, asking the same question again', async () => {
    const tag = uniqueTag();
    await answered(el, offline('Again', { tag }));
    const firstAnswer = el.messages[1];
    const resent = oneEvent(el, 'falcon-chat-send');
    const response = oneEvent(el, 'falcon-chat-response');
    actionOf(el, -1, 'regenerate-button')!.click();
    expect((await resent).detail.text).to.equal(el.messages[0].content);
    await response;
    expect(el.messages).to.have.length(2);
    expect(el.messages[1].id).not.to.equal(firstAnswer.id);
    expect(el.messages[1].status).to.equal('complete');
    expect(await offlineLog(tag)).to.have.length(2);
    // Only the last answer offers Regenerate and Delete.
    await answered(el, offline('Second'));
    expect(actionOf(el, 1, 'regenerate-button')).to.equal(null);
    expect(actionOf(el, 1, 'delete-button')).to.equal(null);
    expect(actionOf(el, 3, 'regenerate-button')).to.exist;
  });

  it('edits a question and resends it, replacing every answer after it', async () => {
    await answered(el, offline('First question'));
    await answered(el, offline('Second question'));
    expect(el.messages).to.have.length(4);

    actionOf(el, 0, 'edit-button')!.click();
    await el.updateComplete;
    const field = part<HTMLTextAreaElement>(el, 'edit-input')!;
    expect(field.value).to.equal(el.messages[0].content);
    expect(el.shadowRoot!.activeElement).to.equal(field);
    // Escape leaves the edit and changes nothing.
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(part(el, 'edit-input')).to.equal(null);
    expect(el.messages).to.have.length(4);

    actionOf(el, 0, 'edit-button')!.click();
    await el.updateComplete;
    part<HTMLTextAreaElement>(el, 'edit-input')!.value = offline('Edited question');
    const response = oneEvent(el, 'falcon-chat-response');
    part(el, 'edit-send-button')!.click();
    const { detail } = await response;
    expect(el.messages.map((message) => message.role)).to.deep.equal(['user', 'assistant']);
    expect(el.messages[0].content).to.contain('Edited question');
    expect(detail.text).to.contain('Edited question');
  });

  it('deletes the last exchange, also while it streams', async () => {
    await answered(el, offline('Keep me'));
    await answered(el, offline('Delete me'));
    actionOf(el, -1, 'delete-button')!.click();
    await el.updateComplete;
    expect(el.messages).to.have.length(2);
    expect(el.messages[0].content).to.contain('Keep me');

    el.send(offline('Streaming, then deleted', { delay: 50, tokens: 200 }));
    await answerHasStarted(el);
    // While streaming there is no Delete button; the host page can still clear or stop.
    expect(actionOf(el, -1, 'delete-button')).to.equal(null);
    el.stop();
    await el.updateComplete;
    actionOf(el, -1, 'delete-button')!.click();
    await el.updateComplete;
    expect(el.messages).to.have.length(2);
  });

  it('shows a greeting and suggested questions on an empty chat, and a suggestion asks', async () => {
    el.greeting = 'Hello! Ask me about **falcons**.';
    el.setAttribute('suggestions', 'What do falcons eat?|How fast is a falcon?');
    await el.updateComplete;
    const greeting = part(el, 'greeting')!;
    expect(greeting.querySelector('strong')!.textContent).to.equal('falcons');
    const suggestions = parts<HTMLButtonElement>(el, 'suggestion');
    expect(suggestions.map((button) => button.textContent)).to.deep.equal([
      'What do falcons eat?',
      'How fast is a falcon?',
    ]);
    expect(part(el, 'suggestions')!.getAttribute('aria-label')).to.equal('Suggestions');
    await expect(el).to.be.accessible();

    const sent = oneEvent(el, 'falcon-chat-send');
    suggestions[1].click();
    expect((await sent).detail.text).to.equal('How fast is a falcon?');
    await el.updateComplete;
    expect(part(el, 'greeting')).to.equal(null);
    expect(part(el, 'suggestions')).to.equal(null);
    await oneEvent(el, 'falcon-chat-response');

    el.clear();
    await el.updateComplete;
    expect(part(el, 'greeting')).to.exist;
    el.setAttribute('suggestions', '["One","Two|Three"]');
    await el.updateComplete;
    expect(el.suggestions).to.deep.equal(['One', 'Two|Three']);
  });

  it('lets a falcon-chat-send listener add to the question and the system message', async () => {
    const tag = uniqueTag();
    el.systemMessage = 'Be brief.';
    el.addEventListener('falcon-chat-send', (event) => {
      event.detail.text += ' (asked on the pricing page)';
      event.detail.system += ' The visitor is on the pricing page.';
    });
    await answered(el, offline('How much?', { tag }));
    expect(el.messages[0].content).to.match(/How much\? \(asked on the pricing page\)$/);
    const [record] = await offlineLog(tag);
    expect(JSON.stringify(record.body)).to.contain('Be brief. The visitor is on the pricing page.');
    expect(input(el).value).to.equal('');
  });
});
