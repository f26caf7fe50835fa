/** `@huggingface/inference` 4.13.30, as the worker uses it, against the offline model (docs/upstream-protocol.md §3). */
import { InferenceClient, InferenceClientProviderApiError } from '@huggingface/inference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineModel, type OfflineModel } from '../../demo/offline-model/server.ts';

const PROMPT = 'System:Be brief.\nUser: What is an eagle? 🦅\nAssistant:';
const PARAMETERS = { max_new_tokens: 512, stop: ['\nUser:', '<|endoftext|>'], temperature: 0.7 };

let model: OfflineModel;
beforeAll(async () => {
  model = await startOfflineModel({ quiet: true, defaults: { delay: '0', 'first-delay': '0' } });
});
afterAll(() => model.close());

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

describe('@huggingface/inference against the offline model', () => {
  it('textGenerationStream yields OpenAI completion chunks whose texts make the answer', async () => {
    const client = new InferenceClient('hf_test').endpoint(`${model.url}/scenario/tag=hf-text`);
    const chunks = await collect(
      client.textGenerationStream({ inputs: PROMPT, parameters: PARAMETERS }, { retry_on_error: false }),
    );
    // Since 4.13.17 the chunks are raw /v1/completions chunks, whatever the type says.
    const raw = chunks as unknown as { object: string; choices: { text: string; finish_reason: string }[] }[];
    expect(raw.every((chunk) => chunk.object === 'text_completion')).toBe(true);
    const text = raw.map((chunk) => chunk.choices[0].text).join('');
    expect(raw.at(-1)?.choices[0].finish_reason).toBe('eos_token');

    const [record] = model.records('hf-text');
    expect(record.path).toBe('/scenario/tag=hf-text/v1/completions');
    expect(record.headers.authorization).toBe('Bearer hf_test');
    expect(record.body).toMatchObject({
      stream: true,
      max_tokens: 512,
      stop: PARAMETERS.stop,
      temperature: 0.7,
      prompt: PROMPT,
    });

    const whole = await client.textGeneration({ inputs: PROMPT, parameters: PARAMETERS }, { retry_on_error: false });
    expect(text).toBe(`${whole.generated_text}<|endoftext|>`);
    expect(text).toContain('“What is an eagle? 🦅”');
  });

  it('chatCompletionStream works, echoing the endpoint URL as the model', async () => {
    const client = new InferenceClient('hf_test').endpoint(model.url);
    const chunks = await collect(
      client.chatCompletionStream(
        { messages: [{ role: 'user', content: 'What is an eagle? 🦅' }] },
        { retry_on_error: false },
      ),
    );
    const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    expect(text).toContain('offline demo model, not a real LLM');
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
    expect(chunks[0].model).toBe(model.url);
  });

  it('reads cut-up, CRLF and comment-laden streams the same', async () => {
    const reference = await collect(
      new InferenceClient('hf_test')
        .endpoint(model.url)
        .textGenerationStream({ inputs: PROMPT, parameters: PARAMETERS }),
    );
    const textOf = (chunks: unknown[]) =>
      (chunks as { choices: { text: string }[] }[]).map((chunk) => chunk.choices[0].text).join('');
    for (const items of ['chunk=3', 'split=utf8', 'eol=crlf,comments=1', 'framing=nospace']) {
      const client = new InferenceClient('hf_test').endpoint(`${model.url}/scenario/${items}`);
      const chunks = await collect(
        client.textGenerationStream({ inputs: PROMPT, parameters: PARAMETERS }, { retry_on_error: false }),
      );
      expect(textOf(chunks), items).toBe(textOf(reference));
    }
  });

  it('throws on an in-band error, with status 200', async () => {
    const client = new InferenceClient('hf_test').endpoint(`${model.url}/scenario/fault=midstream-error,after=2`);
    const error = await collect(
      client.textGenerationStream({ inputs: PROMPT, parameters: PARAMETERS }, { retry_on_error: false }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InferenceClientProviderApiError);
    expect((error as InferenceClientProviderApiError).message).toBe(
      'Failed to perform inference: an occurred while streaming the response: Request failed during generation: Server error: CUDA out of memory. Tried to allocate 20.00 MiB',
    );
    expect((error as InferenceClientProviderApiError).httpResponse.status).toBe(200);
  });

  it('throws on http-503 once, without retrying', async () => {
    const client = new InferenceClient('hf_test').endpoint(`${model.url}/scenario/fault=http-503,tag=hf-503`);
    const error = await collect(
      client.textGenerationStream({ inputs: PROMPT, parameters: PARAMETERS }, { retry_on_error: false }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InferenceClientProviderApiError);
    expect((error as InferenceClientProviderApiError).message).toBe(
      'Failed to perform inference: Model tiiuae/falcon-7b-instruct is currently loading',
    );
    expect((error as InferenceClientProviderApiError).httpResponse.status).toBe(503);
    expect(model.records('hf-503')).toHaveLength(1);
  });

  it('aborting the signal closes the upstream connection', async () => {
    const client = new InferenceClient('hf_test').endpoint(`${model.url}/scenario/delay=20,tag=hf-abort`);
    const controller = new AbortController();
    const received: unknown[] = [];
    const done = collect(
      (async function* () {
        for await (const chunk of client.textGenerationStream(
          { inputs: PROMPT, parameters: PARAMETERS },
          { retry_on_error: false, signal: controller.signal },
        )) {
          received.push(chunk);
          if (received.length === 2) controller.abort();
          yield chunk;
        }
      })(),
    ).catch((caught: unknown) => caught);
    expect(await done).toMatchObject({ name: 'AbortError' });
    const record = await model.waitFor('hf-abort', 'client-closed', 5000);
    expect(record.tokensSent).toBeLessThan(20);
  });
});
