/// <reference types="node" />
import { existsSync } from 'node:fs';

/** Where Debian, Ubuntu and Google's packages put the browser. */
const USUAL_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/**
 * Flags for an installed Chrome/Chromium in a container or CI: no sandbox
 * (it cannot start as root with one), no GPU, /tmp instead of a small
 * /dev/shm, and none of the background traffic to Google.
 */
export const chromeArgs: string[] = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** `CHROME_PATH` if set, else the first usual install path that exists; undefined when there is none. */
export function locateChrome(): string | undefined {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return USUAL_PATHS.find((path) => existsSync(path));
}

/**
 * The browser the tests drive. Nothing here can download one, so when none
 * is installed this prints one line saying how to get it and exits non-zero.
 */
export function findChrome(): string {
  const path = locateChrome();
  if (path) return path;
  console.error(
    process.env.CHROME_PATH
      ? `CHROME_PATH=${process.env.CHROME_PATH} does not exist: point it at a Chrome/Chromium binary, or unset it after apt-get install -y chromium.`
      : `No Chrome/Chromium found: install one (apt-get install -y chromium) or set CHROME_PATH to its binary.`,
  );
  process.exit(1);
}
