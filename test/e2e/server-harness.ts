// Shared by the server-*.test.ts suites: a `blockgate serve` process on an ephemeral loopback
// port, started and stopped with bounded waits, and a workspace of FIX7 inputs it may change.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, FIX7, ROOT } from '../support/cli.js';

export const AT = '2026-11-25T12:00:00Z';
export const LEDGER_LINES = readFileSync(`${FIX7}/grants.jsonl`, 'utf8').split('\n').filter((l) => l !== '');

export interface Workspace { dir: string; map: string; ledger: string; trust: string; inputs: string[] }

/** FIX7's map, ledger and trust copied to a temp directory, and the flags naming them. */
export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-server-'));
  const map = join(dir, 'map.json');
  const ledger = join(dir, 'grants.jsonl');
  const trust = join(dir, 'trust.json');
  copyFileSync(`${FIX7}/production-readiness-blocker-map.json`, map);
  copyFileSync(`${FIX7}/grants.jsonl`, ledger);
  copyFileSync(`${ROOT}fixtures/trust.test-only.json`, trust);
  return { dir, map, ledger, trust, inputs: ['--blockers', map, '--ledger', ledger, '--trust', trust] };
}

/** Replaces a file by rename, as editors and `ledger append` do. */
export function replaceFile(path: string, text: string): void {
  writeFileSync(`${path}.tmp-${process.pid}`, text);
  renameSync(`${path}.tmp-${process.pid}`, path);
}

export interface Served {
  url: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM, then the exit code (SIGKILL after the bound). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `blockgate serve` on 127.0.0.1 and an ephemeral port; resolves once it listens. */
export function serve(args: string[], timeoutMs = 15_000): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += String(d); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null) return child.exitCode;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { void stop('SIGKILL'); reject(new Error(`serve did not start in ${timeoutMs} ms: ${stderr}`)); }, timeoutMs);
    child.stdout!.on('data', (d) => {
      stdout += String(d);
      const m = /^listening: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child, stderr: () => stderr, stop });
      }
    });
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code} before listening: ${stdout}${stderr}`)); });
  });
}

/** Polls `probe` every 25 ms until it returns true; false when the bound passes first. */
export async function eventually(probe: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) };
}
