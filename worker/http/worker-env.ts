import type { WorkerConfig } from '../config.ts';

/** Hono's environment for every route: the bindings plus what middleware puts on the context. */
export interface WorkerEnv {
  Bindings: Env;
  /** `requestId` is the worker's own; `clientRequestId` is what the client sent, if it was plain enough to log. */
  Variables: { config: WorkerConfig; requestId: string; clientRequestId?: string };
}
