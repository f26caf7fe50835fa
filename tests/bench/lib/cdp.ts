/**
 * A small DevTools-protocol client over a WebSocket, for wrangler dev's
 * inspector (the worker's V8 isolate). Node 22 has `WebSocket` built in;
 * Node 20 needs `--experimental-websocket`, which `npm run bench` passes.
 */

type Listener = (params: any) => void;

export class CdpSocket {
  #nextId = 1;
  readonly #pending = new Map<
    number,
    { resolve: (value: any) => void; reject: (error: Error) => void; method: string }
  >();
  readonly #listeners = new Map<string, Set<Listener>>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (message) => {
      const data = JSON.parse(String(message.data)) as {
        id?: number;
        method?: string;
        params?: unknown;
        result?: unknown;
        error?: { message: string };
      };
      if (data.id !== undefined && this.#pending.has(data.id)) {
        const call = this.#pending.get(data.id)!;
        this.#pending.delete(data.id);
        if (data.error) call.reject(new Error(`${call.method}: ${data.error.message}`));
        else call.resolve(data.result);
      } else if (data.method) {
        for (const listener of this.#listeners.get(data.method) ?? []) listener(data.params);
      }
    });
    socket.addEventListener('close', () => {
      for (const call of this.#pending.values()) call.reject(new Error(`${call.method}: inspector connection closed`));
      this.#pending.clear();
    });
  }

  /** wrangler's inspector proxy only accepts an `Origin` on localhost. */
  static async connect(url: string): Promise<CdpSocket> {
    if (typeof WebSocket === 'undefined') {
      throw new Error(
        'No WebSocket in this Node: run with Node 22+, or Node 20 with --experimental-websocket (npm run bench does).',
      );
    }
    // undici's WebSocket takes request headers as a second argument (not in the DOM typings).
    const Socket = WebSocket as unknown as new (url: string, options: { headers: Record<string, string> }) => WebSocket;
    const socket = new Socket(url, { headers: { Origin: 'http://localhost' } });
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot connect to the inspector at ${url}`)), {
        once: true,
      });
    });
    return new CdpSocket(socket);
  }

  send<T = any>(method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method}: no answer from the inspector within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        method,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  on(method: string, listener: Listener): () => void {
    const listeners = this.#listeners.get(method) ?? new Set();
    listeners.add(listener);
    this.#listeners.set(method, listeners);
    return () => listeners.delete(listener);
  }

  close(): void {
    this.socket.close();
  }
}
