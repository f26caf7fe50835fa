/** The most of an upstream body this worker reads when it is not the answer's event stream (an error, a health check). */
export const MAX_SIDE_BODY_BYTES = 64 * 1024;

/**
 * Reads a body up to `maxBytes` and returns it, or undefined (and cancels the
 * rest) when it is longer: an upstream's error or health body is a few hundred
 * bytes, and a hostile one must not make the worker hold megabytes.
 */
export async function readAtMost(
  body: ReadableStream<Uint8Array> | null,
  maxBytes = MAX_SIDE_BODY_BYTES,
): Promise<Uint8Array | undefined> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const pieces: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) return undefined;
      pieces.push(value);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const piece of pieces) {
    bytes.set(piece, at);
    at += piece.byteLength;
  }
  return bytes;
}

/** Drops a body we do not need: reads a short one to its end (which frees the connection), cancels a long one. */
export async function discardBody(response: Response): Promise<void> {
  await readAtMost(response.body).catch(() => undefined);
}
