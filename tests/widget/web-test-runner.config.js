// Runs with `NODE_OPTIONS='--import tsx'` so that the .ts modules below load in Node.
import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { build } from 'vite';
import { chromeArgs, findChrome } from '../support/find-chrome.ts';
import { startStack } from '../support/stack.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The element talks to the real worker and the real offline model. This
 * plugin builds `dist/` (the worker serves it, and the embed tests load the
 * built scripts from it), starts the stack before any browser opens, stops it
 * at the end, and lets pages reach the offline model's control endpoints
 * through this server's own origin (the model sends no CORS headers).
 */
function falconStack() {
  /** @type {Awaited<ReturnType<typeof startStack>> | undefined} */
  let stack;
  let requestCount = 0;
  return {
    name: 'falcon-stack',
    async serverStart() {
      await build({ root: repoRoot, configFile: `${repoRoot}vite.config.ts`, logLevel: 'warn' });
      stack = await startStack();
    },
    async serverStop() {
      await stack?.stop();
    },
    /**
     * Koa middleware: `/__offline/*` → the offline model's `/_offline/*` control
     * endpoints (its request log, waiting for a request to end), status included.
     */
    async offlineControl(context, next) {
      if (!context.path.startsWith('/__offline/') || !stack) return next();
      const response = await fetch(
        `${stack.modelUrl}${context.path.replace('/__offline/', '/_offline/')}?${context.querystring}`,
      );
      context.status = response.status;
      context.type = 'application/json';
      context.set('Cache-Control', 'no-store');
      context.body = await response.text();
    },
    /**
     * Koa middleware: `/__worker/*` → the worker, streamed through unbuffered,
     * with the visitor's disconnect passed on. Each request comes from its own
     * `CF-Connecting-IP`, so the worker's per-visitor rate limit (20 a minute)
     * does not trip over a test suite that asks hundreds of questions from one
     * address; everything else is the worker as a page meets it.
     */
    async workerProxy(context, next) {
      if (!context.path.startsWith('/__worker/') || !stack) return next();
      const chunks = [];
      for await (const chunk of context.req) chunks.push(chunk);
      const upstream = new AbortController();
      context.res.on('close', () => {
        if (!context.res.writableFinished) upstream.abort();
      });
      requestCount += 1;
      const headers = {
        'Content-Type': context.get('Content-Type') || 'application/json',
        Accept: context.get('Accept') || '*/*',
        Origin: context.get('Origin') || context.origin,
        'CF-Connecting-IP': `10.${(requestCount >> 16) & 255}.${(requestCount >> 8) & 255}.${requestCount & 255}`,
      };
      let response;
      try {
        response = await fetch(`${stack.workerUrl}${context.path.slice('/__worker'.length)}${context.search}`, {
          method: context.method,
          headers,
          body: chunks.length ? Buffer.concat(chunks) : undefined,
          signal: upstream.signal,
        });
      } catch {
        context.status = 502;
        return;
      }
      context.status = response.status;
      for (const [name, value] of response.headers) {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name))
          context.set(name, value);
      }
      // Compressing an event stream would hold its events back.
      context.compress = false;
      context.body = response.body ? Readable.fromWeb(response.body) : '';
    },
    /** Where the tests find the stack: read by tests/widget/support/stack-urls.ts. */
    stackUrls() {
      if (!stack) throw new Error('The falcon stack has not started');
      return { workerUrl: stack.workerUrl, modelUrl: stack.modelUrl };
    },
  };
}

/**
 * Commands the tests run on this side (`executeServerCommand`): the built
 * scripts' compressed sizes, screenshots of the test page (and of the demo
 * page the worker serves) into docs/screenshots/, and whether the README's
 * element reference matches the manifest.
 * @param {() => { workerUrl: string }} stackUrls
 */
function falconCommands(stackUrls) {
  /** Every run takes them; only `npm run screenshots` replaces the README's, so a test run leaves no binary diff. */
  const screenshotPath = (name) => {
    const folder =
      process.env.UPDATE_SCREENSHOTS === '1'
        ? `${repoRoot}docs/screenshots`
        : join(tmpdir(), 'falcon-chat-screenshots');
    mkdirSync(folder, { recursive: true });
    return `${folder}/${name}.png`;
  };
  /** Pages with a touch screen on (`falcon-coarse-pointer`), and the CDP session keeping it on. */
  const coarsePointers = new Map();
  return {
    name: 'falcon-commands',
    /** @param {{ command: string, payload: any, session: any }} options */
    async executeCommand({ command, payload, session }) {
      if (command === 'falcon-bundle-size') {
        const { loadSets } = await import('../bench/size.ts');
        return loadSets(`${repoRoot}dist`);
      }
      if (command === 'falcon-screenshot') {
        const page = session.browser.getPage(session.id);
        await page.screenshot({ path: screenshotPath(payload.name), clip: payload.clip });
        return true;
      }
      if (command === 'falcon-demo-screenshot') {
        // The demo page as a newcomer opens it, from the worker, whole: in a tab of its own (its CSP forbids frames).
        const page = await session.browser.getPage(session.id).context().newPage();
        try {
          await page.setViewportSize({ width: payload.width, height: payload.height });
          await page.goto(`${stackUrls().workerUrl}/`);
          await page.waitForFunction(
            () =>
              document.querySelector('falcon-chat')?.shadowRoot?.querySelector('[part~="suggestion"]') &&
              document.getElementById('snippet')?.textContent,
          );
          // Options a site owner picks (select name → value); the element and the snippet follow them.
          for (const [name, value] of Object.entries(payload.options ?? {}))
            await page.selectOption(`#options select[name="${name}"]`, value);
          await page.screenshot({ path: screenshotPath(payload.name), fullPage: true });
        } finally {
          await page.close();
        }
        return true;
      }
      if (command === 'falcon-touch') {
        // A finger, as Chromium's touch emulation gives it: touch events, pointerType "touch", a click.
        const page = session.browser.getPage(session.id);
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
        const point = [{ x: payload.x, y: payload.y }];
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point });
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
        await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false });
        await cdp.detach();
        return true;
      }
      if (command === 'falcon-coarse-pointer') {
        // A touch screen, as Playwright's hasTouch gives it: (pointer: coarse) and (hover: none) match until it is off.
        // Its CDP session stays open while it is on (emulation ends with the session that set it). Once it has been
        // on, Chromium matches (hover: none) and no (pointer: fine) until the page reloads: hover checks go first.
        const page = session.browser.getPage(session.id);
        let cdp = coarsePointers.get(page);
        if (!cdp && !payload.enabled) return true;
        cdp ??= await page.context().newCDPSession(page);
        await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: payload.enabled, maxTouchPoints: 1 });
        if (payload.enabled) coarsePointers.set(page, cdp);
        else {
          coarsePointers.delete(page);
          await cdp.detach();
        }
        return true;
      }
      if (command === 'falcon-element-api') {
        const { checkReadme } = await import('../../docs/element-api.ts');
        return { upToDate: checkReadme().upToDate };
      }
      return undefined;
    },
  };
}

const stackPlugin = falconStack();

export default {
  rootDir: repoRoot,
  files: ['tests/widget/**/*.test.ts'],
  nodeResolve: true,
  middleware: [stackPlugin.offlineControl, stackPlugin.workerProxy],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: `${repoRoot}tsconfig.json` }),
    stackPlugin,
    falconCommands(() => stackPlugin.stackUrls()),
  ],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: findChrome(), args: chromeArgs, headless: true },
      // The Copy buttons write to the clipboard, and the tests read it back.
      createBrowserContext: ({ browser }) => browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] }),
    }),
  ],
  testRunnerHtml: (testFramework) => `<!doctype html>
<html lang="en">
  <head>
    <script type="application/json" id="falcon-stack">${JSON.stringify(stackPlugin.stackUrls())}</script>
  </head>
  <body>
    <script type="module" src="${testFramework}"></script>
  </body>
</html>`,
  testFramework: { config: { timeout: 20_000 } },
  // Lit says once per page that it runs in development mode; that is expected here.
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
};
