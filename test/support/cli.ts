// How tests run the command line.
//
// blockgate(): in this process, through run(args, io) of src/cli/main.ts: the default for every
// test of what the CLI says and exits with. No Node start-up per run, so a suite of hundreds of
// runs stays cheap.
//
// blockgateProcess(): bin/blockgate (or a copy's bin) in its own Node process, for the few tests
// where the process boundary itself is under test: the exit status of the real binary, signals,
// pipes, the seal check of a copied package, and the smoke runs of test/e2e/bin-smoke.test.ts.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIO } from '../../src/cli/context.js';
import { run } from '../../src/cli/main.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${ROOT}bin/blockgate`;
/** The original blocker map, kept verbatim in fixtures/ (core-seed checks it against ../shared/seed). */
export const SEED = fileURLToPath(new URL('../../fixtures/fix7/production-readiness-blocker-map.json', import.meta.url));
/** Where the workplace keeps the original, beside the clone; absent outside it. */
export const SHARED_SEED = fileURLToPath(new URL('../../../shared/seed/production-readiness-blocker-map.json', import.meta.url));
export const FIX7 = `${ROOT}fixtures/fix7`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (when --format json). */
  json: any;
}

export interface CliOptions {
  /** Where relative paths are resolved from (default: the repository root). */
  cwd?: string;
  /** Added to the environment the CLI sees (NO_COLOR=1 is set unless given). */
  env?: Record<string, string>;
  /** What standard input holds; absent: the run has no standard input (`-` is then a usage error). */
  input?: string | Uint8Array;
}

function withJson(code: number, stdout: string, stderr: string): CliResult {
  let json: unknown;
  try { json = JSON.parse(stdout); } catch { json = undefined; }
  return { code, stdout, stderr, json };
}

// One run at a time: a run with another cwd changes the process's working directory while it
// lasts, and no other run may see it meanwhile.
let queue: Promise<unknown> = Promise.resolve();

function serialised<T>(fn: () => Promise<T>): Promise<T> {
  const next = queue.then(fn, fn);
  queue = next.catch(() => undefined);
  return next;
}

/**
 * Runs `blockgate args` in this process, as a user with stdout and stderr on pipes would see it
 * (no terminal, so no colour and no progress line; 80 columns).
 */
export function blockgate(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return serialised(async () => {
    let stdout = '';
    let stderr = '';
    const io: CliIO = {
      stdout: (t) => { stdout += t; },
      stderr: (t) => { stderr += t; },
      isTTY: false,
      stderrIsTTY: false,
      env: { NO_COLOR: '1', ...options.env },
      columns: undefined,
    };
    const { input } = options;
    if (input !== undefined) io.stdin = () => input;
    const before = process.cwd();
    const cwd = resolve(options.cwd ?? ROOT);
    if (cwd !== before) process.chdir(cwd);
    try {
      const code = await run(args, io);
      return withJson(code, stdout, stderr);
    } finally {
      if (process.cwd() !== before) process.chdir(before);
    }
  });
}

/** Runs `bin args` (default: this repository's bin/blockgate) in its own Node process. */
export function blockgateProcess(args: readonly string[], options: CliOptions & { bin?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [options.bin ?? BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    input: options.input,
  });
  return withJson(r.status ?? -1, r.stdout, r.stderr);
}
