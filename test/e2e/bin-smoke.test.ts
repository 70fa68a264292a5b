// A handful of smoke runs through the real bin/blockgate, each in its own Node process: every exit
// code of SPEC 3 from the binary itself, and the same stdout and stderr as the in-process runs
// that the other suites use (so what they test is what a user runs).
import { describe, expect, it } from 'vitest';
import { blockgate, blockgateProcess, FIX7, ROOT, SEED } from '../support/cli.js';

const AT = '2026-11-25T12:00:00Z';
const LEDGER = ['--ledger', `${FIX7}/grants.jsonl`, '--trust', `${ROOT}fixtures/trust.test-only.json`];

const RUNS: Array<[string, string[], number]> = [
  ['an allowed check, json', ['check', '--blockers', SEED, ...LEDGER, '--action', 'real-run', '--env', 'staging', '--at', AT, '--format', 'json'], 0],
  ['a denied check, text', ['check', '--blockers', SEED, '--action', 'apply', '--env', 'production', '--at', AT], 2],
  ['invalid input (no such map), json', ['check', '--blockers', `${ROOT}no-such-map.json`, '--action', 'apply', '--env', 'staging', '--format', 'json'], 3],
  ['a usage error (an unknown flag), text', ['check', '--blockers', SEED, '--action', 'apply', '--env', 'staging', '--bogus'], 1],
  ['--version', ['--version'], 0],
];

describe('bin/blockgate in its own process', () => {
  for (const [name, args, code] of RUNS) it(`${name}: exit ${code}`, async () => {
    const real = blockgateProcess(args);
    expect(real.code, real.stdout + real.stderr).toBe(code);
    const inProcess = await blockgate(args);
    expect({ code: inProcess.code, stdout: inProcess.stdout, stderr: inProcess.stderr })
      .toEqual({ code: real.code, stdout: real.stdout, stderr: real.stderr });
  });
});
