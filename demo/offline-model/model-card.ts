/**
 * Who the offline model says it is: `/info`, `/v1/models` and the `system_fingerprint`
 * (docs/upstream-protocol.md §1.11, §1.13). Version and docker label are those of the real
 * HF router traffic in §6, so chunks look like TGI 3.0.1's.
 */
import { toSerdeJson } from './serde-json.ts';
import type { ModelLimits } from './validation.ts';

export const DEFAULT_MODEL_ID = 'tiiuae/falcon-7b-instruct';

/**
 * The worker's settings for the offline model, besides HF_ENDPOINT_URL: it stands in for an Inference
 * Endpoint running Falcon-7B-instruct (README "Deploying Falcon", recipe a), which takes the falcon format.
 */
export const OFFLINE_ENDPOINT_VARS = { MODEL: DEFAULT_MODEL_ID, PROMPT_FORMAT: 'falcon' } as const;
const TGI_VERSION = '3.0.1';
const DOCKER_LABEL = 'sha-bb9095a';
export const SYSTEM_FINGERPRINT = `${TGI_VERSION}-${DOCKER_LABEL}`;
/** `--max-client-batch-size` default (§1.12). */
export const MAX_CLIENT_BATCH_SIZE = 4;

export function infoJson(modelId: string, limits: ModelLimits): string {
  return toSerdeJson({
    model_id: modelId,
    // Offline there is no Hub revision or build sha to report.
    model_sha: null,
    model_pipeline_tag: 'text-generation',
    max_concurrent_requests: 128,
    max_best_of: limits.maxBestOf,
    max_stop_sequences: limits.maxStopSequences,
    max_input_tokens: limits.maxInputTokens,
    max_total_tokens: limits.maxTotalTokens,
    validation_workers: 2,
    max_client_batch_size: MAX_CLIENT_BATCH_SIZE,
    router: 'text-generation-router',
    version: TGI_VERSION,
    sha: null,
    docker_label: DOCKER_LABEL,
  });
}
