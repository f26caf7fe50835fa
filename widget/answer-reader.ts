/**
 * Everything that reads an answer, as one chunk: the worker's stream
 * (chat-stream.ts), picking it up again after a dropped connection
 * (resumable-answer.ts) and showing it frame by frame (text-pacer.ts). A page
 * fetches it while its first question is on its way (chat-client.ts), so the
 * entry script stays small and the first answer waits for nothing more.
 */
export { readChatResponse } from './chat-stream.ts';
export { resumableAnswer } from './resumable-answer.ts';
export { TextPacer } from './text-pacer.ts';
