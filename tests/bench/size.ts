/// <reference types="node" />
/**
 * 5. Size: raw, gzip (level 9) and brotli (quality 11) bytes of the two
 * builds of the element and of the worker bundle `wrangler deploy --dry-run`
 * would upload, with the worker bundle's biggest parts by package.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface SizeEntry {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

export interface SizeResult {
  files: SizeEntry[];
  /** The worker bundle's bytes (unminified, as wrangler uploads it) by package or worker folder. */
  workerBundleParts: { part: string; raw: number; share: number }[];
  /** wrangler's own "Total Upload" line. */
  wranglerReport?: string;
}

export function sizesOf(path: string, file: string): SizeEntry {
  const bytes = readFileSync(path);
  return {
    file,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
}

/** `wrangler deploy --dry-run --outdir <dir>` in `root`: the worker exactly as it would be uploaded. Returns wrangler's output. */
export async function buildWorkerBundle(root: string, outDir: string): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)(
    join(repoRoot, 'node_modules/.bin/wrangler'),
    ['deploy', '--dry-run', '--outdir', outDir],
    {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', WRANGLER_HIDE_BANNER: 'true' },
    },
  );
  return stdout + stderr;
}

/** Sizes of the element's two builds in `root`/dist and of the worker bundle. */
export function measureSizes(root: string, workerBundle: string, wranglerOutput: string): SizeResult {
  const files = [
    sizesOf(join(root, 'dist/falcon-chat.js'), 'dist/falcon-chat.js'),
    sizesOf(join(root, 'dist/falcon-chat.iife.js'), 'dist/falcon-chat.iife.js'),
    sizesOf(workerBundle, 'worker bundle (wrangler deploy --dry-run)'),
  ];
  // esbuild marks each module with a `// path` line; attribute the lines up to the next marker to it.
  const parts = new Map<string, number>();
  let current = '(wrangler and esbuild glue)';
  const source = readFileSync(workerBundle, 'utf8');
  for (const line of source.split('\n')) {
    const marker = /^\/\/ (\S+\.(?:ts|js|mjs|cjs))$/.exec(line);
    if (marker) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(marker[1]);
      current = pkg ? pkg[1] : marker[1].startsWith('worker/') ? 'worker/ (this project)' : marker[1];
    }
    parts.set(current, (parts.get(current) ?? 0) + Buffer.byteLength(line) + 1);
  }
  const total = Buffer.byteLength(source);
  return {
    files,
    workerBundleParts: [...parts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([part, raw]) => ({ part, raw, share: raw / total })),
    wranglerReport: /Total Upload:[^\n]*/.exec(wranglerOutput)?.[0],
  };
}
