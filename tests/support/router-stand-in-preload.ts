/**
 * Loaded with `node --import` before a command that calls the Hugging Face router or Hub
 * (`npm run check:upstream`): their URLs are answered by the router stand-in in front of
 * the offline model at OFFLINE_MODEL_URL, as the worker's internet tests do in workerd.
 */
import { internetStandIns } from '../worker/internet-stand-ins.ts';

const realFetch = globalThis.fetch;
const standIn = internetStandIns(process.env.OFFLINE_MODEL_URL ?? '');
globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init);
  const { hostname } = new URL(request.url);
  return hostname === 'router.huggingface.co' || hostname === 'huggingface.co' ? standIn(request) : realFetch(request);
};
