// `blockgate exec` across the process boundary (issue 12 "Gate a command"): bin/blockgate runs a
// small node child script. Signals are sent only once the child has said it is ready (a line
// on its stdout), never after a sleep; a child that must not run would leave a marker file.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

let dir: string;
let childScript: string;
let marker: string;

/**
 * The child: leaves the marker, prints its arguments, its two BLOCKGATE_* variables and its
 * standard input, then either exits with the code in CHILD_EXIT or says "ready" and waits.
 */
const CHILD = `
const { writeFileSync } = require('node:fs');
writeFileSync(process.env.CHILD_MARKER, 'ran');
const mode = process.argv[2];
if (mode === 'print') {
  let input = '';
  process.stdin.on('data', (c) => { input += c; });
  process.stdin.on('end', () => {
    process.stdout.write(JSON.stringify({ args: process.argv.slice(3), id: process.env.BLOCKGATE_DECISION_ID, revision: process.env.BLOCKGATE_POLICY_REVISION, input }) + '\\n');
    process.stderr.write('to stderr\\n');
    process.exit(Number(process.env.CHILD_EXIT ?? 0));
  });
} else {
  if (mode === 'trap') process.on('SIGTERM', () => { process.stdout.write('got SIGTERM\\n'); process.exit(42); });
  process.stdout.write('ready\\n');
  setInterval(() => {}, 1 << 30);
}
`;

function mapFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** bin/blockgate with `args`; `onReady` is called once the child printed "ready". */
function blockgate(args: readonly string[], opts: { input?: string; env?: Record<string, string>; onReady?: (pid: number) => void; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? dir,
      env: { ...process.env, NO_COLOR: '1', CHILD_MARKER: marker, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let readySeen = false;
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (!readySeen && stdout.includes('ready\n')) {
        readySeen = true;
        opts.onReady?.(child.pid!);
      }
    });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

const ALLOWED = ['exec', '--action', 'apply', '--env', 'staging'];
const DENIED = ['exec', '--action', 'apply', '--env', 'production'];

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'blockgate-exec-')));
  childScript = join(dir, 'child.cjs');
  writeFileSync(childScript, CHILD);
  mapFile('map.json', JSON.stringify({ blockers: [{ id: 'B1', actor_needed: 'owner', blocks: ['production'] }] }));
  mapFile('blockgate.json', JSON.stringify({ blockers: 'map.json' }));
});

function freshMarker(): void {
  marker = join(mkdtempSync(join(dir, 'run-')), 'marker');
}

describe('allowed: the command runs', () => {
  it('with its arguments unparsed (no shell), stdin and stdout passed through, its exit status, and the decision in its environment', async () => {
    freshMarker();
    const r = await blockgate([...ALLOWED, '--', process.execPath, childScript, 'print', '$HOME; echo x', '--help', '--'], { input: 'from stdin', env: { CHILD_EXIT: '7' } });
    expect(r.code).toBe(7);
    const printed = JSON.parse(r.stdout);
    expect(printed.args).toEqual(['$HOME; echo x', '--help', '--']);
    expect(printed.input).toBe('from stdin');
    expect(printed.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(printed.revision).toMatch(/^[0-9a-f]{16}$/);
    expect(r.stderr).toBe('to stderr\n');
  });

  it('logs the decision with the command line, under the id the command saw', async () => {
    freshMarker();
    const log = join(dir, 'decisions.jsonl');
    const r = await blockgate([...ALLOWED, '--decision-log', log, '--', process.execPath, childScript, 'print', 'a b']);
    expect(r.code).toBe(0);
    const line = JSON.parse(readFileSync(log, 'utf8').trim().split('\n').at(-1)!);
    expect(line.command).toEqual([process.execPath, childScript, 'print', 'a b']);
    expect(line.allowed).toBe(true);
    expect(line.decision_id).toBe(JSON.parse(r.stdout).id);
    const replay = await blockgate(['replay', log]);
    expect(replay.code).toBe(0);
  });

  it('SIGINT is passed on: the command dies by it and blockgate exits 128 + 2', async () => {
    freshMarker();
    const r = await blockgate([...ALLOWED, '--', process.execPath, childScript, 'wait'], { onReady: (pid) => process.kill(pid, 'SIGINT') });
    expect([r.code, r.signal]).toEqual([130, null]);
  });

  it('SIGTERM is passed on: a command that handles it exits with its own status', async () => {
    freshMarker();
    const r = await blockgate([...ALLOWED, '--', process.execPath, childScript, 'trap'], { onReady: (pid) => process.kill(pid, 'SIGTERM') });
    expect(r.code).toBe(42);
    expect(r.stdout).toBe('ready\ngot SIGTERM\n');
  });

  it('SIGTERM unhandled: 128 + 15; SIGHUP: 128 + 1', async () => {
    freshMarker();
    let r = await blockgate([...ALLOWED, '--', process.execPath, childScript, 'wait'], { onReady: (pid) => process.kill(pid, 'SIGTERM') });
    expect(r.code).toBe(143);
    r = await blockgate([...ALLOWED, '--', process.execPath, childScript, 'wait'], { onReady: (pid) => process.kill(pid, 'SIGHUP') });
    expect(r.code).toBe(129);
  });

  it('a command that is not found exits 127, one that cannot be executed 126, each with a message', async () => {
    let r = await blockgate([...ALLOWED, '--', join(dir, 'no-such-program')]);
    expect(r.code).toBe(127);
    expect(r.stderr).toBe(`blockgate exec: ${join(dir, 'no-such-program')}: command not found (ENOENT)\n`);
    const plain = mapFile('not-executable.sh', '#!/bin/sh\necho hi\n');
    chmodSync(plain, 0o644);
    r = await blockgate([...ALLOWED, '--', plain]);
    expect(r.code).toBe(126);
    expect(r.stderr).toBe(`blockgate exec: ${plain}: cannot be executed (EACCES)\n`);
  });
});

describe('never run unless allowed', () => {
  it('denied: the denial is printed, exit 2, and the command never started', async () => {
    freshMarker();
    const r = await blockgate([...DENIED, '--', process.execPath, childScript, 'print']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('DENIED  apply in production');
    expect(existsSync(marker)).toBe(false);
  });

  it('denied with a decision log: the denial is logged with the command line', async () => {
    freshMarker();
    const log = join(dir, 'denied.jsonl');
    const r = await blockgate([...DENIED, '--decision-log', log, '--format', 'json', '--', process.execPath, childScript, 'print']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).allowed).toBe(false);
    const line = JSON.parse(readFileSync(log, 'utf8').trim());
    expect([line.allowed, line.denials, line.command]).toEqual([false, ['B1'], [process.execPath, childScript, 'print']]);
    expect(existsSync(marker)).toBe(false);
  });

  it('invalid input (a broken map): exit 3, the command never started', async () => {
    freshMarker();
    const broken = mapFile('broken.json', '{"blockers": [}');
    const r = await blockgate(['exec', '--blockers', broken, '--action', 'apply', '--env', 'staging', '--', process.execPath, childScript, 'print']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${broken} line 1`);
    expect(existsSync(marker)).toBe(false);
  });

  it('an invalid config file: exit 3 with its file and line, the command never started', async () => {
    freshMarker();
    const config = mapFile('bad-config.json', '{\n  "blockers": "map.json",\n  "ledgr": "x"\n}');
    const r = await blockgate([...ALLOWED, '--config', config, '--format', 'json', '--', process.execPath, childScript, 'print']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).error).toEqual({
      code: 'config-schema', message: `${config} line 3: unknown key "ledgr" (did you mean "ledger"?); known: blockers, ledger, trust, catalog, ledger_head, bundle, format, decision_log`,
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('an unknown action: exit 3, not run; no command after --: usage, exit 1', async () => {
    freshMarker();
    let r = await blockgate(['exec', '--action', 'nuke', '--env', 'staging', '--', process.execPath, childScript, 'print']);
    expect(r.code).toBe(3);
    expect(existsSync(marker)).toBe(false);
    r = await blockgate([...ALLOWED, '--']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('give the command to run after --');
    r = await blockgate(ALLOWED);
    expect(r.code).toBe(1);
  });
});
