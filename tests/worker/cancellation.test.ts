import { describe, expect, it } from 'vitest';
import { ask, callWorker, callWorkerWith, chatRequest, readUntil, scenario, upstreamEnded } from './helpers.ts';

// A visitor who stops or leaves must stop the paid generation too. Each test
// lets a slow answer start, goes away, and waits for the offline model to
// record that its connection was closed before the answer was complete.
describe('a visitor who stops or leaves cancels the upstream generation', () => {
  it('when the request is aborted (request.signal, flag enable_request_signal)', async () => {
    const { tag, directive } = scenario({ delay: 50 });
    const visitor = new AbortController();
    const response = await callWorkerWith({}, chatRequest(ask(`Long answer ${directive}`), { signal: visitor.signal }));
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    while (!received.includes('event: token')) received += (await reader.read()).value;
    visitor.abort();
    const upstream = await upstreamEnded(tag, 'client-closed', 1000);
    expect(upstream.tokensSent).toBeLessThan(40);
  });

  it('when the visitor stops reading the stream', async () => {
    const { tag, directive } = scenario({ delay: 50 });
    const response = await callWorker(chatRequest(ask(`Long answer ${directive}`)));
    await readUntil(response, 'event: token');
    const upstream = await upstreamEnded(tag, 'client-closed', 1000);
    expect(upstream.tokensSent).toBeLessThan(40);
  });

  it('while the model has not sent its first token yet', async () => {
    const { tag, directive } = scenario({ fault: 'stall', after: 0 });
    const response = await callWorker(chatRequest(ask(`Thinking ${directive}`)));
    // The response headers are out, the model is silent; the visitor gives up.
    await response.body!.cancel();
    const upstream = await upstreamEnded(tag, 'client-closed', 1000);
    expect(upstream.tokensSent).toBe(0);
  });
});
