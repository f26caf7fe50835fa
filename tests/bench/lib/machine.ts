/// <reference types="node" />
/** What the benchmarks ran on, and how much of it was free. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  chromium?: string;
  wrangler: string;
  commit: string;
  /** 1-minute load average when the run started, and when it ended. */
  loadAverage: number;
  loadAverageAtEnd?: number;
  /** CPU cores a busy loop on every core actually got for one second (less than `cores` means others were busy). */
  freeCores: number;
}

/** Spins one thread per core for `ms` and returns how many cores' worth of CPU this process got meanwhile. */
export async function measureFreeCores(ms = 1000): Promise<number> {
  const before = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    cpus().map(
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(`const end = Date.now() + ${ms}; while (Date.now() < end) {}`, { eval: true });
          worker.once('exit', () => resolve());
          worker.once('error', reject);
        }),
    ),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / (performance.now() - started);
}

export function describeMachine(chromium?: string): Omit<MachineInfo, 'freeCores'> {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    } catch {
      return '';
    }
  };
  const dirty = git(['status', '--porcelain']) ? ' (with uncommitted changes)' : '';
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    chromium,
    wrangler:
      (JSON.parse(
        execFileSync(process.execPath, ['-p', 'JSON.stringify(require("wrangler/package.json").version)'], {
          cwd: repoRoot,
        }).toString(),
      ) as string) ?? '',
    commit: `${git(['rev-parse', '--short', 'HEAD'])}${dirty}`,
    loadAverage: loadavg()[0],
  };
}
