// Runs with `NODE_OPTIONS='--import tsx'` so that the .ts modules below load in Node.
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
      const response = await fetch(`${stack.modelUrl}${context.path.replace('/__offline/', '/_offline/')}?${context.querystring}`);
      context.status = response.status;
      context.type = 'application/json';
      context.set('Cache-Control', 'no-store');
      context.body = await response.text();
    },
    /** Where the tests find the stack: read by tests/widget/support/stack-urls.ts. */
    stackUrls() {
      if (!stack) throw new Error('The falcon stack has not started');
      return { workerUrl: stack.workerUrl, modelUrl: stack.modelUrl };
    },
  };
}

const stackPlugin = falconStack();

export default {
  rootDir: repoRoot,
  files: ['tests/widget/**/*.test.ts'],
  nodeResolve: true,
  middleware: [stackPlugin.offlineControl],
  plugins: [esbuildPlugin({ ts: true, tsconfig: `${repoRoot}tsconfig.json` }), stackPlugin],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: findChrome(), args: chromeArgs, headless: true },
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
