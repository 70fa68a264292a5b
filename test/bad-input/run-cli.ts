// Runs the CLI over the corpus: in this process (runInProcess), or, where memory or the process
// itself is the point, bin/blockgate in its own process, a few at a time, with the peak memory of
// each run (runCli, from /usr/bin/time when it is there).

import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blockgate } from '../support/cli.js';

export const BIN = fileURLToPath(new URL('../../bin/blockgate', import.meta.url));
const TIME = '/usr/bin/time';

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size in MB, when measured. */
  rssMb: number | undefined;
  ms: number;
}

/** Runs `blockgate args` in this process (no signal, no memory figure). */
export async function runInProcess(args: string[]): Promise<Run> {
  const started = Date.now();
  const r = await blockgate(args);
  return { code: r.code, signal: null, stdout: r.stdout, stderr: r.stderr, rssMb: undefined, ms: Date.now() - started };
}

export async function runCli(args: string[], options: { bin?: string; timeoutMs?: number; cwd?: string } = {}): Promise<Run> {
  const bin = options.bin ?? BIN;
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-run-'));
  const rssFile = join(dir, 'rss');
  const measured = existsSync(TIME);
  const [cmd, argv] = measured
    ? [TIME, ['-f', '%M', '-o', rssFile, process.execPath, bin, ...args]]
    : [process.execPath, [bin, ...args]];
  const started = Date.now();
  try {
    return await new Promise<Run>((resolve, reject) => {
      const child = spawn(cmd, argv, { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        let rssMb: number | undefined;
        if (measured) {
          const kb = Number(/(\d+)\s*$/.exec(readFileSync(rssFile, 'utf8'))?.[1]);
          if (Number.isFinite(kb)) rssMb = kb / 1024;
        }
        resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), rssMb, ms: Date.now() - started });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs every job, `parallel` at a time (default: one per CPU, at most 4). */
export async function runAll<T>(jobs: (() => Promise<T>)[], parallel = Math.min(4, Math.max(1, cpus().length))): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}

/** A stack trace, or a raw JavaScript error, anywhere in the output. */
export function stackTraceIn(text: string): string | undefined {
  const m = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m.exec(text)
    ?? /\b(TypeError|RangeError|ReferenceError|SyntaxError|EvalError): /.exec(text)
    ?? /node:internal|Node\.js v\d+/.exec(text);
  return m?.[0];
}

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A copy of the built package (bin/, dist/, bundles/, package.json; node_modules linked) in
 * `dir`: what a user installs, and safe from dist/ being rebuilt while the tests run.
 */
export function snapshotPackage(dir: string): { root: string; bin: string } {
  mkdirSync(dir, { recursive: true });
  for (const part of ['bin', 'dist', 'bundles']) cpSync(join(PACKAGE_ROOT, part), join(dir, part), { recursive: true });
  copyFileSync(join(PACKAGE_ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { root: dir, bin: join(dir, 'bin', 'blockgate') };
}
