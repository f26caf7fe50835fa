/** The worker and offline model that the test runner started (see web-test-runner.config.js). */
export const { workerUrl, modelUrl } = JSON.parse(document.getElementById('falcon-stack')?.textContent ?? '{}') as {
  workerUrl: string;
  modelUrl: string;
};

/**
 * The worker's chat endpoint as the element tests use it: through the test
 * server's `/__worker/` pass-through (web-test-runner.config.js), which gives
 * each request its own client address so the worker's per-visitor rate limit
 * does not stop a suite of hundreds of questions.
 */
export const endpoint = `${location.origin}/__worker/api/chat`;
