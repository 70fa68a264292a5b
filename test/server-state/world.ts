// A served world on disk for the live-server suites: the FIX7 map, a trust file and a ledger of
// entries signed here with the test-only keys (test/tamper/ledgers.ts), and an in-process
// server (LiveGate + the fastify app, spoken to with inject) whose reload the test calls itself.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openGate, type GateOptions } from '../../src/index.js';
import { DecisionLog } from '../../src/decision-log/writer.js';
import { buildApp } from '../../src/server/app.js';
import { LiveGate } from '../../src/live-gate.js';
import { FIX7_MAP, KEYS, TRUST, hashOf, jsonl, signWith, type Entry } from '../tamper/ledgers.js';

export const AT = '2026-11-25T12:00:00Z';
export const GENESIS = '0'.repeat(64);

/** Grants the suites append: each unlocks (part of) a request the suites ask. */
export const GRANT_TEMPLATES: Entry[] = [
  { role: 'owner', key: 'owner-1', action: 'real-run', environment: 'staging', resolves: ['FIX7-P0-PLAN-REALRUN-1'] },
  { role: 'operator', key: 'operator-1', action: 'ci-enforcement', environment: 'production', resolves: ['FIX7-P0-PROD-CI-SCOPE-1', 'FIX7-P0-OPERATOR-INPUT-1'] },
  { role: 'owner', key: 'owner-1', action: 'apply', environment: 'production', resolves: ['FIX7-P0-PLAN-SEPARATE-AUTH-1', 'FIX7-P0-PROD-OPT4-1', 'FIX7-P0-PROD-BIRTH-SURFACE-1'] },
  {
    role: 'operator', key: 'operator-1', action: 'apply', environment: 'production',
    resolves: ['FIX7-P0-OPERATOR-INPUT-1', 'FIX7-P0-PROD-BIRTH-SURFACE-1', 'FIX7-P0-DRYRUN-PROD-ROLLBACK-1'],
    evidence: [{ uri: 'https://example.invalid/rollback-proof', sha256: 'ab'.repeat(32) }],
  },
];

/** Issue times of generated entries: all before AT, so every entry is in time for the requests. */
export const ISSUE_TIMES = ['2026-11-20T10:00:00Z', '2026-11-22T08:00:00+01:00', '2026-11-24T23:59:59Z'];

/** The next entry after `entries`, chained and signed by the key it names. */
export function nextSigned(entries: readonly Entry[], fields: Entry): Entry {
  const last = entries.at(-1);
  const unsigned: Entry = { seq: entries.length + 1, ...fields, prev: last === undefined ? GENESIS : hashOf(last) };
  return { ...unsigned, sig: signWith(unsigned, KEYS[String(fields.key)]!) };
}

export function grantAfter(entries: readonly Entry[], template: number, issuedAt: string = ISSUE_TIMES[0]!): Entry {
  return nextSigned(entries, { id: `G-${entries.length + 1}`, type: 'grant', ...GRANT_TEMPLATES[template % GRANT_TEMPLATES.length]!, issued_at: issuedAt });
}

/** A revoke of `grant` by the grant's own role and key (the kind that takes effect). */
export function revokeAfter(entries: readonly Entry[], grant: Entry, issuedAt: string = ISSUE_TIMES[1]!): Entry {
  return nextSigned(entries, { id: `R-${entries.length + 1}`, type: 'revoke', role: grant.role, key: grant.key, issued_at: issuedAt, revokes: grant.id });
}

/** The entries re-signed and re-chained from `from` on, as a key holder rewriting history would. */
export function resignedFrom(entries: readonly Entry[], from: number): Entry[] {
  const out: Entry[] = entries.slice(0, from).map((e) => ({ ...e }));
  for (const e of entries.slice(from)) {
    const { seq: _seq, prev: _prev, sig: _sig, ...fields } = e;
    out.push(nextSigned(out, fields));
  }
  return out;
}

export const headOf = (entries: readonly Entry[]) => (entries.length === 0 ? null : { seq: entries.length, hash: hashOf(entries.at(-1)!) });

export const TRUST_TEXT = readFileSync(TRUST, 'utf8');
/** The trust file without the key of `id`. */
export function trustWithout(id: string): string {
  const doc = JSON.parse(TRUST_TEXT) as { keys: Array<{ id: string }> };
  return `${JSON.stringify({ ...doc, keys: doc.keys.filter((k) => k.id !== id) }, null, 2)}\n`;
}

export const MAP_TEXT = readFileSync(FIX7_MAP, 'utf8');
/** The FIX7 map with the staging real-run blocker resolved in the map itself. */
export function mapResolvingRealRun(): string {
  const map = JSON.parse(MAP_TEXT) as Record<string, unknown>;
  return `${JSON.stringify({ ...map, resolved_in_this_macro: ['FIX7-P0-PLAN-REALRUN-1'] }, null, 2)}\n`;
}

export interface Files { dir: string; map: string; ledger: string; trust: string; log: string }

export function files(entries: readonly Entry[]): Files {
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-server-state-'));
  const f = { dir, map: join(dir, 'map.json'), ledger: join(dir, 'grants.jsonl'), trust: join(dir, 'trust.json'), log: join(dir, 'decisions.jsonl') };
  writeFileSync(f.map, MAP_TEXT);
  writeFileSync(f.trust, TRUST_TEXT);
  writeFileSync(f.ledger, jsonl([...entries]));
  return f;
}

/** Replaces a file by rename (as editors and `ledger append` do); null deletes it. */
export function replace(path: string, text: string | null): void {
  if (text === null) {
    rmSync(path, { force: true });
    return;
  }
  writeFileSync(`${path}.next`, text);
  renameSync(`${path}.next`, path);
}

export interface InProcessServer {
  live: LiveGate;
  app: FastifyInstance;
  log: DecisionLog | undefined;
  decide(input: Record<string, unknown>): Promise<{ status: number; body: any }>;
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  health(): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export function optionsOf(f: Files, extra: Partial<GateOptions> = {}): GateOptions {
  return { blockers: [f.map], ledger: f.ledger, trust: f.trust, ...extra };
}

/** The server as `serve` builds it, minus the socket and the watcher: the test reloads. */
export async function inProcessServer(options: GateOptions, logFile?: string): Promise<InProcessServer> {
  const live = new LiveGate(options, await openGate(options));
  const log = logFile === undefined ? undefined : await DecisionLog.open(logFile);
  const app = buildApp({ live, decisionLog: log });
  const post = async (path: string, body: unknown) => {
    const res = await app.inject({ method: 'POST', url: path, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return { status: res.statusCode, body: res.json() };
  };
  return {
    live, app, log, post,
    decide: (input) => post('/v1/data/blockgate/decision', { input }),
    health: async () => {
      const res = await app.inject({ method: 'GET', url: '/health' });
      return { status: res.statusCode, body: res.json() };
    },
    close: async () => {
      await app.close();
      await log?.close();
    },
  };
}
