import type { ReactiveControllerHost } from 'lit';

/**
 * A feature that lives in a chunk of its own, loaded the first time it is
 * asked for. The host renders again when it arrives; when it fails to load
 * (offline, blocked), `failed` says so and the host shows a message in its
 * place, while the rest of the chat goes on.
 */
export class LazyModule<T> {
  module?: T;
  failed = false;
  /** Set while the chunk is on its way (the host's `updateComplete` waits for it). */
  loading?: Promise<void>;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly what: string,
    private readonly load: () => Promise<T>,
    /** Called once the module is there, before the host renders with it (say, to adopt the chunk's styles). */
    private readonly arrived?: (module: T) => void,
  ) {}

  /** The module when it has loaded; until then `undefined`, and the first call starts loading it. */
  get(): T | undefined {
    if (!this.module && !this.loading && !this.failed) {
      this.loading = this.load()
        .then(
          (module) => {
            this.arrived?.(module);
            this.module = module;
          },
          (error: unknown) => {
            this.failed = true;
            console.warn(`falcon-chat: ${this.what} did not load.`, error);
          },
        )
        .finally(() => {
          this.loading = undefined;
          this.host.requestUpdate();
        });
    }
    return this.module;
  }
}
