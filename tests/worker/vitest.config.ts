import { workerProject } from './worker-project.ts';

// Worker tests run inside workerd against the real offline model;
// HF_ENDPOINT_URL alone points the worker at it.
export default workerProject({
  include: ['tests/worker/**/*.test.ts'],
  exclude: ['tests/worker/internet/**'],
  bindings: (offlineModelUrl) => ({
    HF_ENDPOINT_URL: offlineModelUrl,
    ALLOWED_ORIGINS: 'https://site.example, https://shop.example',
  }),
});
