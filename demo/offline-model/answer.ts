/**
 * What the offline model says. It is a demo, so the answer says so first, then shows
 * everything a chat widget must render while tokens stream: a list, inline code, a
 * fenced code block, a link, non-ASCII letters and an emoji (the emoji and "‑" arrive
 * split across tokens, §1.6). It quotes the question, so different questions get
 * different answers, but the same question always gets the same one.
 */

export const REAL_MODEL_LINK = 'https://huggingface.co/tiiuae/falcon-7b-instruct';

const DIRECTIVE = /@offline\([^)]*\)/g;
const LONGEST_QUOTE = 80;

/** The question as the answer quotes it: without `@offline(...)`, on one line, at most 80 characters. */
export function quoteQuestion(question: string): string {
  const oneLine = question.replace(DIRECTIVE, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(oneLine);
  return chars.length <= LONGEST_QUOTE ? oneLine : `${chars.slice(0, LONGEST_QUOTE - 1).join('')}…`;
}

/** The demo answer. It starts with a space, as Falcon's first token after "Assistant:" does (docs/upstream-protocol.md §5.1). */
export function demoAnswer(question: string): string {
  const quoted = quoteQuestion(question);
  const asked = quoted === '' ? 'You did not type a question, so here is the sample answer.' : `You asked: “${quoted}”`;
  return [
    ` This is the offline demo model, not a real LLM: falcon-chat is running without a Hugging Face token, so this answer is scripted. ${asked}`,
    '',
    'What a real answer would look like:',
    '',
    '- **Tokens** stream in one by one, about 30 ms apart',
    '- Markdown such as `inline code`, lists and links renders as it arrives',
    '- Text in any language, like café, naïve or 🦅, arrives intact',
    '',
    '```js',
    `const question = ${JSON.stringify(quoted)};`,
    'console.log(`${question.length} characters, answered offline`);',
    '```',
    '',
    `With a token, the site talks to [tiiuae/falcon-7b-instruct](${REAL_MODEL_LINK}) instead. 👋`,
  ].join('\n');
}

/** Opening of the benchmark answer (`tokens=N`). */
export function benchmarkIntro(question: string): string {
  const quoted = quoteQuestion(question);
  return ` This is the offline demo model in benchmark mode, not a real LLM: a long generated answer to “${quoted}”.\n`;
}

/** Section `part` of the endless benchmark answer: a heading, a list, a table and code. */
export function benchmarkSection(part: number): string {
  return [
    '',
    `## Part ${part}`,
    '',
    `- item ${part}.1 with **bold** text and \`code\``,
    `- item ${part}.2 with UTF‑8: café, naïve, 🦅`,
    '',
    '| n | square | note |',
    '|---|--------|------|',
    `| ${part} | ${part * part} | ok ✓ |`,
    '',
    '```js',
    `const part = ${part};`,
    'console.log(part * part);',
    '```',
    '',
  ].join('\n');
}
