/**
 * Reading prompts: the question inside a Falcon-format prompt (docs/upstream-protocol.md
 * §4.1), and the chat template this offline TGI is "launched" with (§4.4), which renders
 * messages into that same format.
 */
import { isObject } from './request-shapes.ts';

export interface ChatMessage {
  role: string;
  content?: string | { type: string; text?: string; image_url?: { url: string } }[];
}

/** Text of a message: chunks are joined, images become markdown, as TGI's template input does. */
export function messageText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((chunk) => {
      if (!isObject(chunk)) return '';
      return chunk.type === 'text' ? (chunk.text ?? '') : `![](${chunk.image_url?.url ?? ''})`;
    })
    .join('');
}

/** `System:…\nUser: …\nAssistant: …\nUser: …\nAssistant:` (§4.1: no space after "System:"). */
export function renderChatTemplate(messages: readonly ChatMessage[]): string {
  const lines = messages.map((message) => {
    const text = messageText(message);
    if (message.role === 'system') return `System:${text}`;
    const speaker =
      message.role === 'user' ? 'User' : message.role === 'assistant' ? 'Assistant' : capitalise(message.role);
    return `${speaker}: ${text}`;
  });
  return [...lines, 'Assistant:'].join('\n');
}

/** The last user turn of a Falcon prompt, or the whole prompt if it has none. */
export function questionInPrompt(prompt: string): string {
  const turns = [...prompt.matchAll(/(?:^|\n)User:/g)];
  const last = turns.at(-1);
  if (!last) return prompt.trim();
  const rest = prompt.slice(last.index + last[0].length);
  const end = rest.indexOf('\nAssistant:');
  return (end === -1 ? rest : rest.slice(0, end)).trim();
}

/** The last user message of a chat. */
export function questionInMessages(messages: readonly ChatMessage[]): string {
  const last = [...messages].reverse().find((message) => message.role === 'user');
  return last ? messageText(last).trim() : '';
}

/** Every text of a request body that may carry an `@offline(...)` directive, in order. */
export function promptTexts(body: unknown): string[] {
  if (!isObject(body)) return [];
  const texts: string[] = [];
  if (typeof body.inputs === 'string') texts.push(body.inputs);
  if (typeof body.prompt === 'string') texts.push(body.prompt);
  if (Array.isArray(body.prompt)) texts.push(...body.prompt.filter((item): item is string => typeof item === 'string'));
  if (Array.isArray(body.messages)) {
    for (const message of body.messages)
      if (isObject(message)) texts.push(messageText(message as unknown as ChatMessage));
  }
  return texts;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
