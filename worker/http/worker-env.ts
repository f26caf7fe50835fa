import type { WorkerConfig } from '../config.ts';

/** Hono's environment for every route: the bindings plus what middleware puts on the context. */
export interface WorkerEnv {
  Bindings: Env;
  Variables: {
    config: WorkerConfig;
    /** The worker's own id; `clientRequestId` is what the client sent, if it was plain enough to log. */
    requestId: string;
    clientRequestId?: string;
    /** The rate limit's key, which is also the key of the visitor's token budget. */
    visitor: string;
  };
}
