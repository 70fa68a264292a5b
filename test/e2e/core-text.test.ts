// Text output for people: the FIX7 demo fits 80 columns; colour only on a TTY, never with
// NO_COLOR; `make demo` runs clean.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, blockgate, FIX7, ROOT, TRUST } from './core-support.js';

const ESC = '\x1b';
const MAP = `${FIX7}/production-readiness-blocker-map.json`;
const INPUTS = ['--blockers', MAP, '--ledger', `${FIX7}/grants.jsonl`, '--trust', TRUST, '--at', '2026-11-25T12:00:00Z'];
const DEMO_COMMANDS = [
  ['matrix', ...INPUTS],
  ['check', ...INPUTS, '--action', 'apply', '--env', 'production', '--explain-plan'],
  ['check', ...INPUTS, '--action', 'real-run', '--env', 'staging'],
];

/** The environment of a user without NO_COLOR (stdout is a pipe here, not a TTY). */
function envWithout(...names: string[]): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of names) delete env[name];
  return env;
}

const longLines = (text: string) => text.split('\n').filter((l) => l.length > 80);

describe('make demo', () => {
  const r = spawnSync('make', ['demo'], { cwd: ROOT, encoding: 'utf8', env: envWithout('NO_COLOR', 'MAKEFLAGS', 'MAKELEVEL') });

  it('exits 0', () => {
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('shows the matrix, one denied and one allowed request', () => {
    expect(r.stdout).toContain('DENIED  apply in production at 2026-11-25T12:00:00.000Z');
    expect(r.stdout).toContain('ALLOWED  real-run in staging at 2026-11-25T12:00:00.000Z');
    expect(r.stdout).toContain('FIX7-P0-DRYRUN-PROD-ROLLBACK-1');
    expect(r.stdout).toMatch(/^real-run\s+denied 1\s+denied 5\s+allowed$/m);
  });

  it('fits 80 columns and has no ANSI escapes when stdout is not a TTY', () => {
    expect(longLines(r.stdout)).toEqual([]);
    expect(r.stdout).not.toContain(ESC);
  });
});

describe('the FIX7 demo commands, one by one', () => {
  const labelled = DEMO_COMMANDS.map((args) => [args.filter((a) => !INPUTS.includes(a)).join(' '), args] as const);
  it.each(labelled)('%s: within 80 columns, no escapes', async (_, args) => {
    const r = await blockgate([...args], { env: { NO_COLOR: '' } });
    expect([0, 2]).toContain(r.code);
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(longLines(r.stdout)).toEqual([]);
    expect(r.stdout).not.toContain(ESC);
  });

  it('exit codes: matrix 0, denied 2, allowed 0', async () => {
    const codes: number[] = [];
    for (const args of DEMO_COMMANDS) codes.push((await blockgate(args)).code);
    expect(codes).toEqual([0, 2, 0]);
  });
});

// `script` runs a command on a pseudo-terminal, so stdout is a TTY.
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

function onTTY(args: string[], env: NodeJS.ProcessEnv): { code: number | null; out: string } {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env, input: '' });
  return { code: r.status, out: r.stdout.replace(/\r/g, '') };
}

describe.skipIf(!hasScript)('on a TTY', () => {
  const denied = DEMO_COMMANDS[1]!;

  it('colour by default (so the NO_COLOR test below can fail)', () => {
    const { code, out } = onTTY(denied, envWithout('NO_COLOR', 'TERM'));
    expect(code).toBe(2);
    expect(out).toContain(`${ESC}[`);
  });

  it('no ANSI escapes when NO_COLOR is set', () => {
    const { code, out } = onTTY(denied, { ...envWithout('TERM'), NO_COLOR: '1' });
    expect(code).toBe(2);
    expect(out).toContain('DENIED');
    expect(out).not.toContain(ESC);
  });

  it('a TTY reporting 0 columns still gets 80-column text', () => {
    const { out } = onTTY(denied, { ...envWithout('TERM'), NO_COLOR: '1' });
    expect(out).toContain('  production rollback proof (PG/Directus snapshot+restore) NOT established\n');
  });
});
