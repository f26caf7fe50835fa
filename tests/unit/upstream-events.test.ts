import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../worker/model/upstream-error.ts';
import { readChunkBatches, type StreamChunk } from '../../worker/model/upstream-events.ts';

const encoder = new TextEncoder();

/** A body that arrives in exactly these pieces, all at once. */
function body(pieces: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
}

async function readAll(pieces: string[]): Promise<{ chunks: StreamChunk[]; error?: unknown }> {
  const chunks: StreamChunk[] = [];
  try {
    for await (const batch of readChunkBatches(body(pieces), 0)) chunks.push(...batch);
    return { chunks };
  } catch (error) {
    return { chunks, error };
  }
}

const frame = (chunk: unknown) => `data: ${JSON.stringify(chunk)}\n\n`;
const text = (t: string) => frame({ choices: [{ text: t }] });

describe('readChunkBatches', () => {
  it('reads OpenAI-style chunks up to [DONE], whatever splits the bytes', async () => {
    const wire = `${text('Hel') + text('lo') + frame({ choices: [{ text: '', finish_reason: 'stop' }] })}data: [DONE]\n\n`;
    for (const at of [1, 7, 20, wire.length - 3]) {
      const { chunks, error } = await readAll([wire.slice(0, at), wire.slice(at)]);
      expect(error).toBeUndefined();
      // The reader leaves the chunks' fields unchecked (upstream.ts checks each); these are the test's own.
      const choices = chunks.map((chunk) => (chunk.choices as { text: string; finish_reason?: string }[])[0]);
      expect(choices.map((choice) => choice.text).join('')).toBe('Hello');
      expect(choices.at(-1)?.finish_reason).toBe('stop');
    }
  });

  it('ends with upstream_malformed on data that is not JSON, after the chunks before it', async () => {
    const { chunks, error } = await readAll([text('ok'), 'data: {not json\n\n']);
    expect(chunks).toHaveLength(1);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe('upstream_malformed');
  });

  it('turns an error the upstream reports inside the stream into an UpstreamError', async () => {
    const { error } = await readAll([frame({ error: 'Model is overloaded', error_type: 'overloaded' })]);
    expect(error).toBeInstanceOf(UpstreamError);
  });
});
