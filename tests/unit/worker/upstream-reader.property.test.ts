import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../worker/model/upstream-error.ts';
import { MAX_EVENT_CHARS, readChunkBatches } from '../../../worker/model/upstream-events.ts';

// Issue 11: an upstream stream cut into random byte pieces reads as the same answer, however it is cut.

interface Read {
  texts: string[];
  finishReason: unknown;
  error?: string;
}

/** Feeds `bytes` to the worker's reader in pieces ending at `cuts`, and collects what it reads. */
async function readInPieces(bytes: Uint8Array, cuts: number[]): Promise<Read> {
  const ends = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const end of [...ends, bytes.length]) {
    if (end > from) pieces.push(bytes.subarray(from, end));
    from = Math.max(from, end);
  }
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces.shift();
      if (piece) controller.enqueue(piece);
      else controller.close();
    },
  });
  const read: Read = { texts: [], finishReason: undefined };
  try {
    for await (const batch of readChunkBatches(body, 0)) {
      for (const chunk of batch) {
        const choice = (chunk.choices as { text?: string; finish_reason?: unknown }[])[0];
        read.texts.push(choice.text ?? '');
        if (choice.finish_reason) read.finishReason = choice.finish_reason;
      }
    }
  } catch (error) {
    read.error = error instanceof UpstreamError ? error.code : String(error);
  }
  return read;
}

const eols = fc.constantFrom('\n', '\r\n', '\r');
const tokenText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom('é', '😀', '\u{1F469}\u200d\u{1F4BB}', '\n', '\r\n', 'data: x', ':', '"', '\\', '\u2028'),
);

/** A TGI-like `/v1/completions` stream: token events, optional comments, a final event and `[DONE]`. */
const streams = fc
  .record({
    eol: eols,
    space: fc.boolean(),
    tokens: fc.array(tokenText, { minLength: 1, maxLength: 30 }),
    comments: fc.array(fc.nat(30), { maxLength: 5 }),
  })
  .map(({ eol, space, tokens, comments }) => {
    const field = `data:${space ? ' ' : ''}`;
    let text = '';
    tokens.forEach((token, index) => {
      const last = index === tokens.length - 1;
      const chunk = { choices: [{ index: 0, text: token, finish_reason: last ? 'eos_token' : '' }] };
      text += `${field}${JSON.stringify(chunk)}${eol}${eol}`;
      if (comments.includes(index)) text += `: ping${eol}${eol}`;
    });
    text += `${field}[DONE]${eol}${eol}`;
    return { bytes: new TextEncoder().encode(text), tokens };
  });

const cutPoints = fc.array(fc.nat(), { maxLength: 60 });

describe("the worker's upstream reader", () => {
  it('reads the same tokens and finish reason however the bytes are cut', async () => {
    await fc.assert(
      fc.asyncProperty(streams, cutPoints, async ({ bytes, tokens }, cuts) => {
        const read = await readInPieces(bytes, cuts);
        expect(read).toEqual({ texts: tokens, finishReason: 'eos_token' });
      }),
      { numRuns: 500 },
    );
  });

  it('cut into single bytes too', async () => {
    await fc.assert(
      fc.asyncProperty(streams, async ({ bytes, tokens }) => {
        const read = await readInPieces(
          bytes,
          Array.from(bytes, (_, index) => index),
        );
        expect(read).toEqual({ texts: tokens, finishReason: 'eos_token' });
      }),
      { numRuns: 100 },
    );
  });

  it('fails an event past the bound the same way however it is cut, after the tokens before it', async () => {
    const encoder = new TextEncoder();
    const before = `data: ${JSON.stringify({ choices: [{ text: 'Hi' }] })}\n\n`;
    const endless = `data: {"choices":[{"text":"${'x'.repeat(MAX_EVENT_CHARS)}`;
    const bytes = encoder.encode(before + endless);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 200 }), async (cuts) => {
        expect(await readInPieces(bytes, cuts)).toEqual({
          texts: ['Hi'],
          finishReason: undefined,
          error: 'upstream_malformed',
        });
      }),
      { numRuns: 100 },
    );
  });

  it('an event of many short lines is bounded too', async () => {
    const bytes = new TextEncoder().encode(`${'data: x\n'.repeat(MAX_EVENT_CHARS / 4)}\n`);
    expect((await readInPieces(bytes, [100, 5000])).error).toBe('upstream_malformed');
  });

  it('an event just under the bound still reads', async () => {
    const text = 'y'.repeat(MAX_EVENT_CHARS - 200);
    const bytes = new TextEncoder().encode(
      `data: ${JSON.stringify({ choices: [{ text, finish_reason: 'length' }] })}\n\ndata: [DONE]\n\n`,
    );
    expect(await readInPieces(bytes, [7, 30_000])).toEqual({ texts: [text], finishReason: 'length' });
  });
});
