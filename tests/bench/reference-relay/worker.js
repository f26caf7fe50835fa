// The least a streaming relay can do, two ways. POST /pipe and /js forward the request body to
// {HF_ENDPOINT_URL}/v1/completions and stream the answer back: /pipe hands the upstream body to the
// runtime untouched (no JavaScript per chunk); /js reads each chunk in JavaScript and passes it on,
// as any worker that looks at the tokens must. GET /api/health lets the bench find the worker's port.
export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === '/api/health') return Response.json({ ok: true });
    const upstream = await fetch(`${env.HF_ENDPOINT_URL}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: await request.text(),
      signal: request.signal,
    });
    const headers = { 'content-type': 'text/event-stream' };
    if (pathname === '/pipe') return new Response(upstream.body, { headers });
    const reader = upstream.body.getReader();
    const relayed = new ReadableStream(
      {
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    return new Response(relayed, { headers });
  },
};
