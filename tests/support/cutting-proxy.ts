import { createServer, connect, type Socket } from 'node:net';

export interface CuttingProxy {
  /** The proxy's origin, in front of the target's. */
  url: string;
  /** How many connections it has cut. */
  readonly cuts: number;
  /** Cut the streams from now on (on at start) or let them through. */
  cutting: boolean;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of `target` that breaks every event stream: once a
 * connection has carried a `text/event-stream` response and `cutAfterBytes`
 * of it, both sides are destroyed in the middle of whatever was passing (often
 * inside an event), as a lift or a tunnel does to a phone's connection.
 * Everything else (the page, the script) passes untouched, also on a
 * connection that carried a short stream to its end before. With
 * `countFromBody`, the bytes are counted after the response's headers (0 cuts
 * before the first event); with `maxCuts`, streams pass whole after that many.
 */
export async function startCuttingProxy(
  target: string,
  {
    cutAfterBytes,
    countFromBody = false,
    maxCuts = Infinity,
  }: { cutAfterBytes: number; countFromBody?: boolean; maxCuts?: number },
): Promise<CuttingProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let cuts = 0;
  const proxy: CuttingProxy = {
    url: '',
    get cuts() {
      return cuts;
    },
    cutting: true,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    let streamBytes = -1;
    let limit = cutAfterBytes;
    upstream.on('data', (chunk: Buffer) => {
      // A connection kept alive after a short stream that ended whole carries other responses next (a script,
      // a stop): each response is judged by its own headers.
      if (/^HTTP\/1\.[01] \d{3} /.test(chunk.toString('latin1', 0, 13))) streamBytes = -1;
      if (streamBytes < 0 && /content-type: text\/event-stream/i.test(chunk.toString('latin1'))) {
        streamBytes = 0;
        limit = cutAfterBytes + (countFromBody ? chunk.indexOf('\r\n\r\n') + 4 : 0);
      }
      if (streamBytes < 0 || !proxy.cutting || cuts >= maxCuts) {
        client.write(chunk);
        return;
      }
      const room = limit - streamBytes;
      streamBytes += chunk.length;
      if (room > chunk.length) {
        client.write(chunk);
        return;
      }
      cuts++;
      client.end(chunk.subarray(0, room), () => {
        client.destroy();
        upstream.destroy();
      });
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  proxy.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return proxy;
}
