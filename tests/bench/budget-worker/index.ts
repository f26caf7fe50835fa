import { TokenBudget } from '../../../worker/budget/token-budget.ts';

export { TokenBudget };

interface BenchEnv {
  BUDGETS: DurableObjectNamespace<TokenBudget>;
}

/**
 * `GET /?lanes=N&ms=T`: N callers in this worker each reserve and then settle,
 * one after the other, against one fresh object for T ms, as the chat route
 * does for every question. The caller measures the wall time; this counts.
 */
export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const url = new URL(request.url);
    const lanes = Number(url.searchParams.get('lanes') ?? 32);
    const mode = url.searchParams.get('mode') ?? 'reserve';
    const ms = Number(url.searchParams.get('ms') ?? 3000);
    const stub = env.BUDGETS.get(env.BUDGETS.idFromName(`bench-${crypto.randomUUID()}`));
    await stub.snapshot();
    const end = Date.now() + ms;
    let reserved = 0;
    let refused = 0;
    const lane = async () => {
      while (Date.now() < end && mode === 'read') {
        await stub.snapshot();
        reserved++;
      }
      while (Date.now() < end) {
        const id = crypto.randomUUID();
        const result = await stub.reserve('utc-day', { id, want: 600, min: 100, limit: 1e15, ttlMs: 60_000 });
        if (!result.ok) refused++;
        reserved++;
        await stub.settle(id, 300);
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: lanes }, lane));
    const seconds = (Date.now() - started) / 1000;
    return Response.json({ lanes, reserved, refused, seconds, snapshot: await stub.snapshot() });
  },
};
