/**
 * The offline model's whole behaviour for one request, as a pure function: from method,
 * URL, headers and body to a response description (a body to send after some pacing,
 * a stream plan, or a fault). No sockets and no clock except `config.now`, so
 * tests can compare its output with the fixtures byte for byte.
 */
import { generate } from './generation.ts';
import {
  GENERATION_FAILED,
  INCOMPLETE_GENERATION,
  nativeErrorJson,
  OVERLOADED,
  statusOf,
  TEMPLATE_NOT_FOUND,
  type InferError,
} from './infer-error.ts';
import { jobFor, type Job } from './jobs.ts';
import { infoJson } from './model-card.ts';
import { promptTexts } from './prompt.ts';
import { chatRequest, checkShape, completionRequest, generateRequest, type FieldType } from './request-shapes.ts';
import { matchRoute, type RouteName } from './routes.ts';
import {
  directiveItems,
  resolveScenario,
  ScenarioError,
  splitScenarioPath,
  type Fault,
  type Scenario,
  type ScenarioItems,
} from './scenario.ts';
import { answerScript, type ScriptedToken } from './script.ts';
import { toSerdeJson, JsonFloat } from './serde-json.ts';
import { inBandErrorPlan, planStream, type StreamAction } from './stream-plan.ts';
import {
  checkStreamable,
  validate,
  FALCON_LIMITS,
  type ModelLimits,
  type Validated,
  type ValidRequest,
} from './validation.ts';
import { TGI_FRAMING, type Framing } from './wire/sse.ts';
import { llamaCppRefusalJson } from './wire/llama-cpp.ts';

export type Header = [name: string, value: string];

export interface ModelRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  /** Lower-cased names. */
  headers: Readonly<Record<string, string | undefined>>;
  body: Uint8Array;
  /** How many earlier requests carried `tag` (for `fault-times`); none when not given. */
  earlierRequestsTagged?: (tag: string) => number;
}

export interface ModelConfig {
  modelId: string;
  /** Like TGI's `--api-key`: POST routes then need `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Scenario items that apply unless the path or the prompt says otherwise. */
  defaults: ScenarioItems;
  limits: ModelLimits;
  /** Unix seconds, for `created`. */
  now(): number;
  /** The tokens the "model" produces for a question; tests pass the fixtures' tokens. */
  script(question: string, scenario: Scenario): ScriptedToken[];
}

export const defaultScript = (question: string, scenario: Scenario) =>
  answerScript(question, {
    tokens: scenario.tokens,
    ending: scenario.ending,
    answer: scenario.answer,
    splitAt: scenario.splitAt,
  });

export function defaultConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    modelId: 'tiiuae/falcon-7b-instruct',
    defaults: {},
    limits: FALCON_LIMITS,
    now: () => Math.floor(Date.now() / 1000),
    script: defaultScript,
    ...overrides,
  };
}

interface ResponseFacts {
  scenario: Scenario | null;
  route: RouteName | null;
  /** A fault switch shaped this response (the log's outcome is then `fault`). */
  faulted: boolean;
}

export type ModelResponse = ResponseFacts &
  (
    | {
        kind: 'body';
        status: number;
        headers: Header[];
        body: string;
        /** Send only after this many tokens' worth of generation time. */
        paceTokens: number;
      }
    | { kind: 'stream'; status?: number; headers: Header[]; framing: Framing; actions: StreamAction[] }
    /** Non-streaming `abrupt-close`: hang up after `paceTokens` tokens' time. */
    | { kind: 'close-abruptly'; paceTokens: number }
    /** Non-streaming `stall`: never answer. */
    | { kind: 'stall' }
  );

const JSON_TYPE: Header = ['content-type', 'application/json'];
const TEXT_TYPE: Header = ['content-type', 'text/plain; charset=utf-8'];

const SHAPES: Partial<Record<RouteName, FieldType>> = {
  generate_stream: generateRequest,
  chat_completions: chatRequest,
  completions: completionRequest,
};

export function answerRequest(request: ModelRequest, config: ModelConfig): ModelResponse {
  const facts: ResponseFacts = { scenario: null, route: null, faulted: false };
  const body = (status: number, headers: Header[], text: string, paceTokens = 0): ModelResponse => ({
    ...facts,
    kind: 'body',
    status,
    headers,
    body: text,
    paceTokens,
  });

  const { pathname } = new URL(request.url, 'http://offline.invalid');
  let split: ReturnType<typeof splitScenarioPath>;
  try {
    split = splitScenarioPath(pathname);
  } catch (error) {
    return body(400, [TEXT_TYPE], scenarioProblem(error));
  }
  const match = matchRoute(request.method, split.path);
  // axum's own 404 and 405 have empty bodies.
  if (!match.ok) return body(match.status, match.allow ? [['allow', match.allow]] : [], '');
  const route = match.route;
  facts.route = route;

  const parsed = request.method === 'POST' ? parseJson(request.body) : null;
  let scenario: Scenario;
  try {
    scenario = resolveScenario(
      config.defaults,
      split.items,
      directiveItems(parsed?.ok ? promptTexts(parsed.value) : []),
    );
  } catch (error) {
    return body(400, [TEXT_TYPE], scenarioProblem(error));
  }
  // `fault-times=N`: the fault hits only the first N requests with this tag, so a retry can succeed.
  if (
    scenario.faultTimes !== null &&
    scenario.tag !== null &&
    (request.earlierRequestsTagged?.(scenario.tag) ?? 0) >= scenario.faultTimes
  ) {
    scenario = { ...scenario, fault: 'none' };
  }
  facts.scenario = scenario;
  const servedModel = config.modelId;

  switch (route) {
    case 'health':
      return body(200, [], '');
    case 'info':
      return body(200, [JSON_TYPE], infoJson(config.modelId, config.limits));
  }

  // A server error whose JSON body never ends (or only after `line-bytes`): a client must not read it whole.
  if (scenario.fault === 'huge-error') {
    facts.faulted = true;
    const actions: StreamAction[] = [{ kind: 'endless', wait: 'none', head: '{"error":"', sse: false }];
    return { ...facts, kind: 'stream', status: 500, headers: [JSON_TYPE], framing: TGI_FRAMING, actions };
  }
  // What the HF router answers before any model sees the request (docs/upstream-protocol.md §2.3).
  const refused = routerFault(scenario, servedModel);
  if (refused) {
    facts.faulted = true;
    return body(refused.status, [JSON_TYPE, ...refused.headers], refused.body);
  }
  if (config.apiKey !== undefined && !authorized(request.headers.authorization, config.apiKey))
    return body(401, [], '');

  // axum's Json extractor: content type, then syntax, then shape (§1.3).
  if (!isJsonContentType(request.headers['content-type'])) {
    return body(415, [TEXT_TYPE], 'Expected request with `Content-Type: application/json`');
  }
  if (!parsed?.ok) return body(400, [TEXT_TYPE], `Failed to parse the request body as JSON: ${parsed?.message}`);
  const shapeError = checkShape(parsed.value, SHAPES[route]!);
  if (shapeError)
    return body(422, [TEXT_TYPE], `Failed to deserialize the JSON body into the target type: ${shapeError}`);

  const job = jobFor(route, parsed.value as Record<string, unknown>, {
    scenario,
    servedModel,
    created: config.now(),
  });
  if (!('request' in job)) return body(job.status, [JSON_TYPE], job.body);

  const streaming = job.streaming && scenario.fault !== 'json-200';
  facts.faulted = job.streaming && scenario.fault === 'json-200';
  const served = withContext(config, scenario.context);
  return streaming
    ? streamResponse(job, scenario, served, facts, request.headers.authorization ?? '')
    : wholeResponse(job, scenario, served, facts);
}

/** `context=N` serves a model with an N-token context instead of Falcon's 2,048 (long benchmark answers). */
function withContext(config: ModelConfig, context: number | null): ModelConfig {
  if (context === null) return config;
  return { ...config, limits: { ...config.limits, maxTotalTokens: context, maxInputTokens: context - 1 } };
}

function streamResponse(
  job: Job,
  scenario: Scenario,
  config: ModelConfig,
  facts: ResponseFacts,
  authorization: string,
): ModelResponse {
  // vLLM's server is not TGI: plain SSE headers, no x-compute-*.
  const headers: Header[] = job.llamaCpp
    ? [
        ['server', 'llama.cpp'],
        ['content-type', 'text/event-stream'],
      ]
    : job.vllm
      ? [['content-type', 'text/event-stream; charset=utf-8']]
      : [
          ['content-type', 'text/event-stream'],
          ['cache-control', 'no-cache'],
          ['x-compute-type', 'gpu+optimized'],
          ['x-compute-characters', String(Array.from(job.request.inputs).length)],
          ['x-accel-buffering', 'no'],
        ];
  const framing: Framing = {
    space: scenario.framing === 'space',
    eol: scenario.eol === 'crlf' ? '\r\n' : scenario.eol === 'cr' ? '\r' : '\n',
  };

  // TGI's order: streaming checks, then the overload semaphore, then validation (§1.2).
  const refusal =
    checkStreamable(job.request.parameters) ?? (scenario.fault === 'error-before-first' ? OVERLOADED : null);
  const validated: Validated = refusal ? { ok: false, error: refusal } : validate(job.request, config.limits);
  // llama-server refuses a request it cannot run with a 400 before streaming.
  if (!validated.ok && job.llamaCpp && validated.error !== OVERLOADED) {
    const refusal = llamaCppRefusalJson(validated.error, config.limits.maxTotalTokens);
    return {
      ...facts,
      kind: 'body',
      status: 400,
      headers: [['server', 'llama.cpp'], JSON_TYPE],
      body: refusal,
      paceTokens: 0,
    };
  }
  if (!validated.ok) {
    const actions = inBandErrorPlan(job.errorPayloads(validated.error));
    return { ...facts, faulted: validated.error === OVERLOADED, kind: 'stream', headers, framing, actions };
  }
  const valid = validated.request;
  let actions = planStream({
    encoder: job.encoder(valid),
    generation: runGeneration(job, valid, scenario, config),
    fault: scenario.fault,
    after: scenario.after,
    comments: scenario.comments,
  });
  if (scenario.fault === 'echo-auth') actions = echoAuthorization(actions, authorization);
  return { ...facts, faulted: IN_STREAM_FAULTS.has(scenario.fault), kind: 'stream', headers, framing, actions };
}

/**
 * `echo-auth`: a hostile upstream that sends the request's `Authorization` back as the final
 * chunk's `finish_reason` and in `usage`, with counts that are not token counts.
 */
function echoAuthorization(actions: StreamAction[], authorization: string): StreamAction[] {
  const echo = (payload: string): string => {
    if (!payload.includes('"finish_reason"') || payload === '[DONE]') return payload;
    const chunk = JSON.parse(payload) as { choices?: { finish_reason?: unknown }[]; usage?: unknown };
    const last = chunk.choices?.[0];
    if (!last?.finish_reason) return payload;
    last.finish_reason = authorization;
    chunk.usage = { prompt_tokens: authorization, completion_tokens: -3.5, total_tokens: { authorization } };
    return JSON.stringify(chunk);
  };
  return actions.map((action) =>
    action.kind === 'events' ? { ...action, payloads: action.payloads.map(echo) } : action,
  );
}

/** Faults that change a stream once it is under way. */
const IN_STREAM_FAULTS = new Set<Fault>([
  'endless-line',
  'echo-auth',
  'midstream-error',
  'incomplete',
  'abrupt-close',
  'stall',
  'malformed',
  'no-final-newline',
]);

function wholeResponse(job: Job, scenario: Scenario, config: ModelConfig, facts: ResponseFacts): ModelResponse {
  const errorBody = (error: InferError, paceTokens = 0, faulted = false): ModelResponse => ({
    ...facts,
    faulted: facts.faulted || faulted,
    kind: 'body',
    status: statusOf(error),
    headers: [JSON_TYPE],
    body: nativeErrorJson(error),
    paceTokens,
  });
  if (scenario.fault === 'error-before-first') return errorBody(OVERLOADED, 0, true);
  const validated = validate(job.request, config.limits);
  if (!validated.ok) return errorBody(validated.error);
  const valid = validated.request;
  const generation = runGeneration(job, valid, scenario, config);
  const produced = generation.steps.length;
  const cutAt = Math.min(scenario.after, Math.max(0, produced - 1));

  switch (scenario.fault) {
    case 'midstream-error':
      return errorBody(GENERATION_FAILED, cutAt, true);
    case 'incomplete':
      return errorBody(INCOMPLETE_GENERATION, cutAt, true);
    case 'abrupt-close':
      return { ...facts, faulted: true, kind: 'close-abruptly', paceTokens: cutAt };
    case 'stall':
      return { ...facts, faulted: true, kind: 'stall' };
    case 'malformed':
      return {
        ...facts,
        faulted: true,
        kind: 'body',
        status: 200,
        headers: [JSON_TYPE],
        body: '{not json',
        paceTokens: cutAt,
      };
  }
  if (!generation.finished) return errorBody(INCOMPLETE_GENERATION, produced);
  return {
    ...facts,
    kind: 'body',
    status: 200,
    headers: [JSON_TYPE, ...computeHeaders(job, valid, produced, scenario)],
    body: toSerdeJson(job.body(generation, valid)),
    paceTokens: produced,
  };
}

function runGeneration(job: Job, valid: ValidRequest, scenario: Scenario, config: ModelConfig) {
  return generate(config.script(job.question, scenario), {
    maxNewTokens: valid.maxNewTokens,
    stop: valid.stop,
    fullTextPrefix: valid.returnFullText ? valid.inputs : undefined,
    stopMatching: job.vllm || job.llamaCpp ? 'substring' : 'suffix',
  });
}

/** The timing headers of TGI's non-streaming routes (§1.14), from the scenario's pace. */
function computeHeaders(job: Job, valid: ValidRequest, generated: number, scenario: Scenario): Header[] {
  const inferenceMs = Math.max(0, generated - 1) * scenario.delay;
  const totalMs = scenario.firstDelay + inferenceMs;
  return [
    ['x-compute-type', 'gpu+optimized'],
    // Rust's f64 Display: "0.15", and "0" rather than "0.0".
    ['x-compute-time', String(totalMs / 1000)],
    ['x-compute-characters', String(Array.from(job.request.inputs).length)],
    ['x-total-time', String(totalMs)],
    ['x-validation-time', '0'],
    ['x-queue-time', String(scenario.firstDelay)],
    ['x-inference-time', String(inferenceMs)],
    ['x-time-per-token', String(generated === 0 ? 0 : Math.floor(inferenceMs / generated))],
    ['x-prompt-tokens', String(valid.inputLength)],
    ['x-generated-tokens', String(generated)],
  ];
}

interface RouterRefusal {
  status: number;
  headers: Header[];
  body: string;
}

function routerFault(scenario: Scenario, model: string): RouterRefusal | null {
  const refuse = (status: number, body: Record<string, unknown>, headers: Header[] = []) => ({
    status,
    headers,
    body: toSerdeJson(body as never),
  });
  switch (scenario.fault) {
    case 'http-401':
      return refuse(401, { error: 'Invalid credentials in Authorization header' });
    case 'http-402':
      return refuse(402, {
        error:
          'You have exceeded your monthly included credits for Inference Providers. Subscribe to PRO to get 20x more monthly included credits.',
      });
    case 'http-404':
      return refuse(404, { error: `Model ${model} does not exist` });
    case 'http-422-template':
      return refuse(statusOf(TEMPLATE_NOT_FOUND), {
        error: TEMPLATE_NOT_FOUND.message,
        error_type: TEMPLATE_NOT_FOUND.type,
      });
    case 'http-429':
      return refuse(429, { error: OVERLOADED.message, error_type: OVERLOADED.type }, [
        ['retry-after', String(scenario.retryAfter)],
      ]);
    case 'http-503':
      return refuse(503, { error: `Model ${model} is currently loading`, estimated_time: new JsonFloat(20, 'f64') });
    default:
      return null;
  }
}

/** TGI compares `Authorization` with "Bearer <key>" case-insensitively (§1.1). */
function authorized(header: string | undefined, apiKey: string): boolean {
  return header !== undefined && header.toLowerCase() === `bearer ${apiKey}`.toLowerCase();
}

/** axum: `application/json`, with parameters, or any `application/*+json`. */
function isJsonContentType(header: string | undefined): boolean {
  const essence = header?.split(';')[0].trim().toLowerCase() ?? '';
  const [type, subtype = ''] = essence.split('/');
  return type === 'application' && (subtype === 'json' || subtype.endsWith('+json'));
}

type ParsedBody = { ok: true; value: unknown } | { ok: false; message: string };

/** The body as JSON. axum words a syntax error as serde_json does; the worker never sends one, so JSON.parse's words do. */
function parseJson(bytes: Uint8Array): ParsedBody {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

function scenarioProblem(error: unknown): string {
  if (error instanceof ScenarioError) return `offline model: ${error.message}`;
  throw error;
}
