/**
 * SSE framing as axum writes it (docs/upstream-protocol.md §1.4): `data: <json>` and a blank
 * line, LF only, keep-alive `:` comments. The variants (no space as in TGI < 2.1, CRLF or
 * CR line ends, a missing final blank line) exist to test parsers against other servers.
 */

export interface Framing {
  /** TGI ≥ 2.1 (axum 0.7) writes `data: `; older TGI wrote `data:`. */
  space: boolean;
  eol: '\n' | '\r\n' | '\r';
}

export const TGI_FRAMING: Framing = { space: true, eol: '\n' };

/** One event; `terminated: false` leaves out the blank line that dispatches it. */
export function sseEvent(data: string, framing: Framing = TGI_FRAMING, terminated = true): string {
  return `data:${framing.space ? ' ' : ''}${data}${framing.eol}${terminated ? framing.eol : ''}`;
}

/** `:\n\n` (axum's keep-alive) for an empty text, else `: text\n\n`. */
export function sseComment(text: string, framing: Framing = TGI_FRAMING): string {
  return `:${text === '' ? '' : ` ${text}`}${framing.eol}${framing.eol}`;
}
