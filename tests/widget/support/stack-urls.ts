/** The worker and offline model that the test runner started (see web-test-runner.config.js). */
export const { workerUrl, modelUrl } = JSON.parse(document.getElementById('falcon-stack')?.textContent ?? '{}') as {
  workerUrl: string;
  modelUrl: string;
};

/** The worker's chat endpoint, as the element is configured to use it. */
export const endpoint = `${workerUrl}/api/chat`;
