/// <reference types="node" />
/**
 * 5. Size: raw, gzip (level 9) and brotli (quality 11) bytes of the
 * element's scripts (the two entries and every chunk), the bytes a page
 * loads before its first question and through its first answer, and the
 * worker bundle `wrangler deploy --dry-run` would upload, with its biggest
 * parts by package.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
  beforeFirstQuestion: LoadSets['beforeFirstQuestion'];
  throughFirstAnswer: LoadSets['throughFirstAnswer'];
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
  const element = loadSets(join(root, 'dist'));
  const files = [
    ...element.files.map((file) => ({ ...file, file: `dist/${file.file}` })),
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
    beforeFirstQuestion: element.beforeFirstQuestion,
    throughFirstAnswer: element.throughFirstAnswer,
    workerBundleParts: [...parts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([part, raw]) => ({ part, raw, share: raw / total })),
    wranglerReport: /Total Upload:[^\n]*/.exec(wranglerOutput)?.[0],
  };
}

/** What a page loads of the element, by moment. Sizes are gzip level 9, as a CDN or the worker would send them. */
export interface LoadSets {
  /** Every script in dist/ (the entries and dist/chunks/). */
  files: SizeEntry[];
  /** The ES entry and what it imports statically: all a page loads before its first question. */
  beforeFirstQuestion: { files: string[]; gzip: number; brotli: number };
  /** That, plus the chunks the first answer loads (the answer chunk: its reader and markdown renderer, with its static imports). */
  throughFirstAnswer: { files: string[]; gzip: number; brotli: number };
}

/** The chunks a first answer loads, by the name Vite gives them (`chunks/<module>-<hash>.js`). */
const FIRST_ANSWER_CHUNKS = [/^chunks\/answer-chunk-/];

/** Reads the built scripts in `distDir` and follows their `import` statements (static ones; `import()` is on demand). */
export function loadSets(distDir: string): LoadSets {
  const names = readdirSync(distDir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.js') && !name.startsWith('types'))
    .map((name) => name.split('\\').join('/'))
    .sort();
  const files = names.map((name) => sizesOf(join(distDir, name), name));
  const byName = new Map(files.map((file) => [file.file, file]));
  const closure = (entry: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(entry)) return seen;
    seen.add(entry);
    const source = readFileSync(join(distDir, entry), 'utf8');
    for (const [, spec] of source.matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      closure(new URL(spec, `file:///${entry}`).pathname.slice(1), seen);
    }
    return seen;
  };
  const total = (set: Set<string>) => {
    const list = [...set];
    return {
      files: list,
      gzip: list.reduce((sum, name) => sum + (byName.get(name)?.gzip ?? 0), 0),
      brotli: list.reduce((sum, name) => sum + (byName.get(name)?.brotli ?? 0), 0),
    };
  };
  const first = closure('falcon-chat.js');
  const answer = new Set(first);
  for (const pattern of FIRST_ANSWER_CHUNKS) {
    const chunk = names.find((name) => pattern.test(name));
    if (!chunk) throw new Error(`no chunk matching ${pattern} in ${distDir}`);
    closure(chunk, answer);
  }
  return { files, beforeFirstQuestion: total(first), throughFirstAnswer: total(answer) };
}
