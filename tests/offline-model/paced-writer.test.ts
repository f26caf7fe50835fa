/** The pace of a stream on a fake response and a fake clock: delays, keep-alives, and cancelling that leaves no timer behind. */
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PacedWriter } from '../../demo/offline-model/paced-writer.ts';
import { resolveScenario } from '../../demo/offline-model/scenario.ts';
import type { StreamAction } from '../../demo/offline-model/stream-plan.ts';
import { TGI_FRAMING } from '../../demo/offline-model/wire/sse.ts';

class FakeResponse extends EventEmitter {
  written: string[] = [];
  write(chunk: Buffer, callback?: () => void) {
    this.written.push(chunk.toString());
    callback?.();
    return true;
  }
}

const token = (n: number, wait: StreamAction['wait']): StreamAction => ({
  kind: 'events',
  wait,
  payloads: [`t${n}`],
  token: true,
  terminated: true,
});
const actions: StreamAction[] = [token(1, 'first-token'), token(2, 'next-token'), token(3, 'next-token')];

function writerFor(items: Record<string, string>) {
  const response = new FakeResponse();
  const writer = new PacedWriter(response as unknown as ServerResponse, resolveScenario(items), TGI_FRAMING);
  return { response, writer };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('PacedWriter', () => {
  it('waits first-delay for the first token, then delay between tokens', async () => {
    const { response, writer } = writerFor({ 'first-delay': '150', delay: '30' });
    const tokens: number[] = [];
    const played = writer.play(actions, () => tokens.push(Date.now()));
    await vi.advanceTimersByTimeAsync(149);
    expect(response.written).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(response.written).toEqual(['data: t1\n\n']);
    await vi.advanceTimersByTimeAsync(60);
    expect(await played).toBe('ended');
    expect(response.written).toEqual(['data: t1\n\n', 'data: t2\n\n', 'data: t3\n\n']);
    expect(tokens.map((at) => at - tokens[0])).toEqual([0, 30, 60]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends `:` after each silent keep-alive interval, counted again from every write', async () => {
    const { response, writer } = writerFor({ 'first-delay': '120', delay: '100', keepalive: '50' });
    void writer.play(actions, () => {});
    await vi.advanceTimersByTimeAsync(120);
    expect(response.written).toEqual([':\n\n', ':\n\n', 'data: t1\n\n']);
    // 50 ms after t1, not after the last keep-alive.
    await vi.advanceTimersByTimeAsync(50);
    expect(response.written.at(-1)).toBe(':\n\n');
    await vi.advanceTimersByTimeAsync(200);
    expect(response.written.filter((frame) => frame.startsWith('data'))).toHaveLength(3);
  });

  it('stops everything on cancel: no timer left, nothing more written', async () => {
    const { response, writer } = writerFor({ 'first-delay': '10', delay: '1000', keepalive: '50' });
    const played = writer.play(actions, () => {});
    await vi.advanceTimersByTimeAsync(10);
    expect(response.written).toEqual(['data: t1\n\n']);
    writer.cancel();
    expect(await played).toBe('cancelled');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(response.written).toEqual(['data: t1\n\n']);
  });

  it('stalls with keep-alives only, until cancelled', async () => {
    const { response, writer } = writerFor({ 'first-delay': '0', keepalive: '100' });
    const played = writer.play([{ kind: 'stall', wait: 'first-token' }], () => {});
    await vi.advanceTimersByTimeAsync(300);
    expect(await played).toBe('stalled');
    expect(response.written).toEqual([':\n\n', ':\n\n', ':\n\n']);
    writer.cancel();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('cancels a non-streaming wait', async () => {
    const { writer } = writerFor({});
    const slept = writer.sleep(10_000);
    writer.cancel();
    expect(await slept).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
