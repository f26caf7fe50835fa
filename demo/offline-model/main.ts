/**
 * `tsx demo/offline-model/main.ts [--port 8790] [--host 127.0.0.1] [--api-key KEY]
 * [--model-id ID] [--defaults delay=0,first-delay=0]`: runs the offline model until
 * Ctrl+C. The port also comes from OFFLINE_MODEL_PORT.
 */
import { parseArgs } from 'node:util';
import { parseScenarioItems } from './scenario.ts';
import { startOfflineModel } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'api-key': { type: 'string' },
    'model-id': { type: 'string' },
    defaults: { type: 'string' },
    quiet: { type: 'boolean' },
  },
});

const model = await startOfflineModel({
  port: Number(values.port ?? process.env.OFFLINE_MODEL_PORT ?? 0),
  host: values.host,
  apiKey: values['api-key'],
  modelId: values['model-id'],
  defaults: values.defaults ? parseScenarioItems(values.defaults) : undefined,
  quiet: values.quiet,
});
console.log(`Offline demo model (not a real LLM) listening on ${model.url}`);

const stop = async () => {
  await model.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
