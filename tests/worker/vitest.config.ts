import { workerProject } from './worker-project.ts';

// Worker tests run inside workerd against the real offline model, as a Falcon deploy on an
// Inference Endpoint would (README "Deploying Falcon", recipe a): HF_ENDPOINT_URL points at it.
export default workerProject({
  include: ['tests/worker/**/*.test.ts'],
  exclude: ['tests/worker/internet/**'],
  bindings: (offlineModelUrl) => ({
    HF_ENDPOINT_URL: offlineModelUrl,
    MODEL: 'tiiuae/falcon-7b-instruct',
    PROMPT_FORMAT: 'falcon',
    ALLOWED_ORIGINS: 'https://site.example, https://shop.example',
  }),
});
