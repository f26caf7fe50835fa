/**
 * `npm start`: the demo as a site owner would see it. Without an HF_TOKEN in
 * .dev.vars it starts the offline model and points the worker at it through
 * HF_ENDPOINT_URL, exactly as it would point at a real TGI endpoint.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { OFFLINE_ENDPOINT_VARS } from './offline-model/model-card.ts';
import { startOfflineModel, type OfflineModel } from './offline-model/server.ts';
import { startWranglerDev } from './wrangler-dev.ts';

const port = Number(process.env.PORT ?? 8787);
const devVars = existsSync('.dev.vars') ? parseEnv(readFileSync('.dev.vars', 'utf8')) : {};

let offlineModel: OfflineModel | undefined;
const vars: Record<string, string> = {};
if (!devVars.HF_TOKEN) {
  offlineModel = await startOfflineModel({ port: Number(process.env.OFFLINE_MODEL_PORT ?? 0), quiet: true });
  Object.assign(vars, { HF_ENDPOINT_URL: offlineModel.url, ...OFFLINE_ENDPOINT_VARS });
  console.log(`No HF_TOKEN in .dev.vars: using the offline demo model at ${offlineModel.url}`);
} else {
  console.log('Using HF_TOKEN from .dev.vars');
}

// The demo's answers and budgets survive restarts, in wrangler's usual place (relative to the repository).
const worker = await startWranglerDev({
  port,
  vars,
  echo: process.env.VERBOSE === '1',
  persistTo: '.wrangler/state',
});
console.log(`\nfalcon-chat demo: http://127.0.0.1:${port}/\n(Ctrl+C to stop)`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await worker.stop();
  await offlineModel?.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
