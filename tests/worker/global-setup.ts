import type { TestProject } from 'vitest/node';
import { startOfflineModel } from '../../demo/offline-model/server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    offlineModelUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // delay=0: the worker's behaviour, not the demo's pace, is under test.
  const model = await startOfflineModel({ port: 0, quiet: true, defaults: { delay: '0', 'first-delay': '0' } });
  project.provide('offlineModelUrl', model.url);
  return () => model.close();
}
