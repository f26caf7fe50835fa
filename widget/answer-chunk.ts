/**
 * Everything that reads and shows an answer, as one chunk, so a first answer
 * costs the entry script and this: the worker's stream (chat-stream.ts),
 * picking it up again after a dropped connection (resumable-answer.ts),
 * showing it frame by frame (text-pacer.ts), the rendered conversation
 * (transcript.ts: the messages, following the answer as it grows) and the
 * markdown renderer (the streaming parser, its DOM renderer, the writer that
 * feeds them an answer, and the warm-up). The element loads it when the
 * visitor shows intent to chat (focus, a first question) or has something to
 * show (a greeting, a stored conversation); until it is there the
 * conversation shows as plain text (plain-message.ts), and the question is
 * already on its way (chat-client.ts). A page that never chats loads only the
 * entry.
 */
export { readChatResponse } from './chat-stream.ts';
export { resumableAnswer } from './resumable-answer.ts';
export { TextPacer } from './text-pacer.ts';
export { markdownStyles } from './markdown/markdown.styles.ts';
export { Transcript } from './transcript.ts';
export { transcriptStyles } from './transcript.styles.ts';
