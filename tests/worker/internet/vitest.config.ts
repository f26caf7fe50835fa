import { internetStandIns } from '../internet-stand-ins.ts';
import { workerProject } from '../worker-project.ts';

// The Hugging Face router and Turnstile cannot be reached from here. These
// tests run the worker with no HF_ENDPOINT_URL and answer the internet's URLs
// with local stand-ins (internet-stand-ins.ts), so they show which URLs the
// worker really calls and what it does with the answers. A separate project:
// the outbound service sees every request, which the cancellation tests must
// not go through.
export default workerProject({
  include: ['tests/worker/internet/**/*.test.ts'],
  bindings: () => ({ HF_ENDPOINT_URL: '', ALLOWED_ORIGINS: 'https://site.example, https://shop.example' }),
  outboundService: internetStandIns,
});
