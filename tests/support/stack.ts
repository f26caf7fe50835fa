import { OFFLINE_ENDPOINT_VARS } from '../../demo/offline-model/model-card.ts';
import { startOfflineModel } from '../../demo/offline-model/server.ts';
import { startWranglerDev } from '../../demo/wrangler-dev.ts';

import { TEST_HF_TOKEN } from './test-token.ts';

export { TEST_HF_TOKEN };

export interface Stack {
  workerUrl: string;
  modelUrl: string;
  workerPid: number;
  stop(): Promise<void>;
}

/**
 * The whole product as a visitor meets it: the offline model, and the worker
 * in `wrangler dev` pointed at it by HF_ENDPOINT_URL alone, from the built
 * `dist/` (run `npm run build` first).
 */
export async function startStack(
  options: { vars?: Record<string, string>; modelDefaults?: Record<string, string> } = {},
): Promise<Stack> {
  const model = await startOfflineModel({ port: 0, quiet: true, defaults: options.modelDefaults });
  try {
    const worker = await startWranglerDev({
      vars: {
        HF_ENDPOINT_URL: model.url,
        ...OFFLINE_ENDPOINT_VARS,
        HF_TOKEN: TEST_HF_TOKEN,
        ALLOWED_ORIGINS: '*',
        ...options.vars,
      },
    });
    return {
      workerUrl: worker.url,
      modelUrl: model.url,
      workerPid: worker.pid,
      async stop() {
        await worker.stop();
        await model.close();
      },
    };
  } catch (error) {
    await model.close();
    throw error;
  }
}
