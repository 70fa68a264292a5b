// A reader that closes the pipe early (`blockgate ... | head -c 10`): never a stack trace, and
// never exit 0 for output nobody received. Runs bin/blockgate in its own process.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, blockgateProcess, FIX7, ROOT, SEED } from '../support/cli.js';

interface Closed { code: number | null; signal: NodeJS.Signals | null; stderr: string }

/** Runs blockgate with its stdout closed by the reader before anything is written (and stderr too, when asked). */
function runWithClosedReader(args: string[], closeStderr = false): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closing our end at once: the child is still starting, so its first write meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    if (closeStderr) child.stderr.destroy();
    else child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

const AT = '2026-11-25T12:00:00Z';
const LEDGER = ['--ledger', `${FIX7}/grants.jsonl`, '--trust', `${ROOT}fixtures/trust.test-only.json`];
const ALLOWED = ['check', '--blockers', SEED, ...LEDGER, '--action', 'real-run', '--env', 'staging', '--at', AT];
const DENIED = ['check', '--blockers', SEED, '--action', 'apply', '--env', 'production', '--at', AT];

describe('a reader that closes stdout early', () => {
  for (const [name, args] of [
    ['an allowed check, json', [...ALLOWED, '--format', 'json']],
    ['an allowed check, text', ALLOWED],
    ['a denied check, sarif', [...DENIED, '--format', 'sarif']],
    ['a matrix, json', ['matrix', '--blockers', SEED, '--at', AT, '--format', 'json']],
    ['help', ['check', '--help']],
  ] as const) {
    it(`${name}: exit 1, nothing on stderr, no stack trace`, async () => {
      const r = await runWithClosedReader([...args]);
      expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 1, signal: null, stderr: '' });
    }, 60_000);
  }

  it('an input error in json mode (the error object goes to stdout): exit 1, quiet', async () => {
    const r = await runWithClosedReader(['check', '--blockers', 'no-such-map.json', '--action', 'apply', '--env', 'production', '--format', 'json']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: '' });
  }, 60_000);

  it('stdout and stderr both closed, with an error to report: exit 1, no crash', async () => {
    const r = await runWithClosedReader(['check', '--blockers', 'no-such-map.json', '--action', 'apply', '--env', 'production', '--format', 'junit'], true);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 1, signal: null });
  }, 60_000);
});

describe('the same runs with a reader that reads everything keep their exit codes', () => {
  it('allowed 0, denied 2', () => {
    const code = (args: string[]) => blockgateProcess(args).code;
    expect([code([...ALLOWED, '--format', 'json']), code([...DENIED, '--format', 'json'])]).toEqual([0, 2]);
  }, 60_000);
});
