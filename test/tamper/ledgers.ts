// Signed ledgers to tamper with, and every tampering: single-field edits (plain, and with the
// chain re-linked after them), signatures from other keys, line deletions, duplications,
// reorderings, forged appended entries. Signing is done here from SPEC 1.4 (RFC 8785 +
// Ed25519) with the test-only keys in fixtures/keys.

import { createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import canonicalize from 'canonicalize';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIX7_MAP = join(ROOT, 'fixtures/fix7/production-readiness-blocker-map.json');
export const FIX7_LEDGER = join(ROOT, 'fixtures/fix7/grants.jsonl');
export const TRUST = join(ROOT, 'fixtures/trust.test-only.json');

export type Entry = Record<string, unknown>;

const keyFile = (name: string) => join(ROOT, `fixtures/keys/${name}.test-only.key`);
export const KEYS: Record<string, KeyObject> = Object.fromEntries(
  ['owner-1', 'operator-1', 'intruder'].map((id) => [id, createPrivateKey(readFileSync(keyFile(id), 'utf8'))]),
);
export const PUBLIC_PEM: Record<string, string> = Object.fromEntries(
  ['owner-1', 'operator-1', 'intruder'].map((id) => [id, readFileSync(join(ROOT, `fixtures/keys/${id}.test-only.pub`), 'utf8')]),
);

function jcs(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('no canonical form');
  return text;
}

export const hashOf = (entry: Entry) => createHash('sha256').update(jcs(entry), 'utf8').digest('hex');

export function signWith(entry: Entry, key: KeyObject): string {
  const { sig: _sig, ...unsigned } = entry;
  return sign(null, Buffer.from(jcs(unsigned), 'utf8'), key).toString('base64');
}

/** Chains and signs entries (each signed by the key it names, or `signer[i]`). */
export function chain(entries: Entry[], signer: Record<number, KeyObject> = {}): Entry[] {
  const out: Entry[] = [];
  entries.forEach((e, i) => {
    const { sig: _sig, ...rest } = e;
    const unsigned: Entry = { seq: i + 1, ...rest, prev: i === 0 ? '0'.repeat(64) : hashOf(out[i - 1]!) };
    unsigned.seq = i + 1;
    out.push({ ...unsigned, sig: signWith(unsigned, signer[i] ?? KEYS[String(e.key)]!) });
  });
  return out;
}

export const jsonl = (entries: (Entry | string)[]) => entries.map((e) => `${typeof e === 'string' ? e : JSON.stringify(e)}\n`).join('');
export const parseLines = (text: string): Entry[] => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Entry);

/** A richer ledger over the FIX7 map: targets, expiry, evidence, revokes that matter. */
export function richLedger(): Entry[] {
  const owner = { role: 'owner', key: 'owner-1' };
  const operator = { role: 'operator', key: 'operator-1' };
  const all = ['FIX7-P0-PLAN-SEPARATE-AUTH-1', 'FIX7-P0-PROD-OPT4-1', 'FIX7-P0-PROD-BIRTH-SURFACE-1'];
  const ops = ['FIX7-P0-OPERATOR-INPUT-1', 'FIX7-P0-PROD-BIRTH-SURFACE-1', 'FIX7-P0-DRYRUN-PROD-ROLLBACK-1'];
  const evidence = [{ uri: 'https://example.invalid/rollback-proof', sha256: 'ab'.repeat(32) }];
  return chain([
    { id: 'G-A', type: 'grant', ...owner, issued_at: '2026-11-20T10:00:00Z', action: 'apply', environment: 'production', target: 'QT001', resolves: all, expires_at: '2026-12-31T00:00:00+01:00' },
    { id: 'G-B', type: 'grant', ...operator, issued_at: '2026-11-21T09:30:00+01:00', action: 'apply', environment: 'production', resolves: ops, evidence },
    { id: 'G-C', type: 'grant', ...owner, issued_at: '2026-11-20T08:00:00Z', action: 'real-run', environment: 'staging', resolves: ['FIX7-P0-PLAN-REALRUN-1'], note: 'staging real run' },
    { id: 'G-D', type: 'grant', ...owner, issued_at: '2026-11-20T08:00:00Z', action: 'cutover', environment: 'production', resolves: all, expires_at: '2026-11-24T00:00:00Z' },
    { id: 'G-E', type: 'grant', ...operator, issued_at: '2026-11-20T08:00:00-05:30', action: 'cutover', environment: 'production', resolves: ops },
    { id: 'R-1', type: 'revoke', ...owner, issued_at: '2026-11-23T00:00:00Z', revokes: 'G-C', note: 'real run paused' },
    { id: 'G-F', type: 'grant', ...owner, issued_at: '2026-11-20T08:00:00Z', action: 'ci-enforcement', environment: 'production', resolves: ['FIX7-P0-PROD-CI-SCOPE-1', ...all] },
    { id: 'G-G', type: 'grant', ...operator, issued_at: '2026-11-20T08:00:00Z', action: 'ci-enforcement', environment: 'production', resolves: ['FIX7-P0-PROD-CI-SCOPE-1', ...ops], evidence },
    { id: 'R-2', type: 'revoke', ...operator, issued_at: '2026-11-24T00:00:00Z', revokes: 'G-G' },
  ]);
}

// ---------------------------------------------------------------------------------------------

/** Every single-field edit of one entry, each a new object (the `sig` left as it was). */
export function fieldEdits(e: Entry, all: Entry[]): { name: string; entry: Entry }[] {
  const out: { name: string; entry: Entry }[] = [];
  const edit = (name: string, patch: Entry) => {
    const entry = { ...e, ...patch };
    if (jcs(entry) !== jcs(e)) out.push({ name, entry });
  };
  const drop = (field: string) => {
    if (!(field in e)) return;
    const { [field]: _gone, ...rest } = e;
    out.push({ name: `${field} removed`, entry: rest });
  };
  const otherId = all.find((x) => x.id !== e.id)!.id;
  const grants = all.filter((x) => x.type === 'grant' && x.id !== e.id);
  edit('seq + 1', { seq: Number(e.seq) + 1 });
  edit('seq - 1', { seq: Number(e.seq) - 1 });
  edit('seq as text', { seq: String(e.seq) });
  edit('id changed', { id: `${String(e.id)}-X` });
  edit('id of another entry', { id: otherId });
  edit('type flipped', { type: e.type === 'grant' ? 'revoke' : 'grant' });
  edit('key of the other role', { key: e.key === 'owner-1' ? 'operator-1' : 'owner-1' });
  edit('key unknown', { key: 'intruder' });
  edit('role of the other key', { role: e.role === 'owner' ? 'operator' : 'owner' });
  edit('role in capitals', { role: String(e.role).toUpperCase() });
  edit('issued_at a day earlier', { issued_at: '2026-11-19T00:00:00Z' });
  edit('issued_at the same instant, another offset', { issued_at: sameInstantOtherOffset(String(e.issued_at)) });
  edit('issued_at garbled', { issued_at: 'soon' });
  edit('prev one hex digit off', { prev: flipHex(String(e.prev)) });
  edit('sig one character off', { sig: flipBase64(String(e.sig)) });
  edit('sig of another line', { sig: all.find((x) => x.sig !== e.sig)!.sig });
  edit('note added or changed', { note: `${String(e.note ?? '')} (edited)` });
  drop('note');
  edit('an unknown field', { approved: true });
  drop('key');
  drop('sig');
  if (e.type === 'grant') {
    edit('action changed', { action: e.action === 'apply' ? 'cutover' : 'apply' });
    edit('environment changed', { environment: e.environment === 'production' ? 'staging' : 'production' });
    edit('target added or changed', { target: e.target === 'QT001' ? 'QT002' : 'QT001' });
    drop('target');
    const more = ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1', 'FIX7-P0-PROD-CI-SCOPE-1', 'FIX7-P0-PLAN-REALRUN-1', 'FIX7-P0-PROD-OPT4-1'].find((id) => !(e.resolves as string[]).includes(id))!;
    edit('resolves one more', { resolves: [...(e.resolves as string[]), more] });
    edit('resolves one fewer', { resolves: (e.resolves as string[]).slice(1).length > 0 ? (e.resolves as string[]).slice(1) : ['FIX7-P0-PROD-OPT4-1'] });
    edit('expires_at later', { expires_at: '2099-01-01T00:00:00Z' });
    drop('expires_at');
    edit('expire_at (typo) for expires_at', (() => { const { expires_at: x, ...r } = e; return { ...r, expire_at: x ?? '2026-11-21T00:00:00Z' }; })());
    edit('evidence added', { evidence: [{ uri: 'https://forged.invalid/', sha256: 'cd'.repeat(32) }] });
    drop('evidence');
  } else {
    edit('revokes another grant', { revokes: grants[0]?.id ?? 'G-NONE' });
    edit('revokes nothing known', { revokes: 'G-NONE' });
    drop('revokes');
  }
  return out;
}

function sameInstantOtherOffset(text: string): string {
  const ms = Date.parse(text);
  const d = new Date(ms + 3 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}+03:00`;
}

function flipHex(hex: string): string {
  const c = hex[10]!;
  return `${hex.slice(0, 10)}${c === '0' ? '1' : '0'}${hex.slice(11)}`;
}

function flipBase64(b64: string): string {
  const c = b64[20]!;
  return `${b64.slice(0, 20)}${c === 'A' ? 'B' : 'A'}${b64.slice(21)}`;
}

/** Re-links `prev` from line `from` on (signatures then no longer match on those lines). */
export function relink(entries: Entry[], from: number): Entry[] {
  const out = entries.map((e) => ({ ...e }));
  for (let i = Math.max(from, 1); i < out.length; i++) out[i]!.prev = hashOf(out[i - 1]!);
  return out;
}

export interface Tampered {
  name: string;
  text: string;
  /** Lines that are an original line verbatim (may be authentic); every other line must not count. */
  originalLines: Set<string>;
  /** The original revokes (canonical): a tampering that makes one of them not count restores its grant. */
  originalRevokes: Set<string>;
  /** A prefix of the original: valid by construction (the truncation SPEC cannot see). */
  prefix?: boolean;
  /** 'reject': sequence, chain or ids must refuse it; 'same': the same entries, so the same answers. */
  expect?: 'reject' | 'same';
}

/** Every tampering of `entries`. */
export function tamperings(label: string, entries: Entry[]): Tampered[] {
  const original = new Set(entries.map((e) => jcs(e)));
  const revokes = new Set(entries.filter((e) => e.type === 'revoke').map((e) => jcs(e)));
  const out: Tampered[] = [];
  const add = (name: string, list: (Entry | string)[], extra: Partial<Tampered> = {}) =>
    out.push({ name: `${label}: ${name}`, text: jsonl(list), originalLines: original, originalRevokes: revokes, ...extra });

  entries.forEach((e, i) => {
    for (const { name, entry } of fieldEdits(e, entries)) {
      const edited = entries.map((x, j) => (j === i ? entry : x));
      // Any edit changes the line's hash, so the next line's prev no longer matches.
      add(`line ${i + 1} ${name}`, edited, i < entries.length - 1 ? { expect: 'reject' } : {});
      // The chain re-linked after the edit: the edit is then caught by signatures alone.
      if (i < entries.length - 1) add(`line ${i + 1} ${name}, chain re-linked`, relink(edited, i + 1));
    }
    // Signatures from other keys, chain re-linked after.
    const resign = (name: string, patch: Entry, key: KeyObject) => {
      const forged = { ...e, ...patch };
      forged.sig = signWith(forged, key);
      add(`line ${i + 1} ${name}`, relink(entries.map((x, j) => (j === i ? forged : x)), i + 1));
    };
    resign('signed by the intruder under its own key id', {}, KEYS.intruder!);
    resign('signed by the intruder, key "intruder"', { key: 'intruder' }, KEYS.intruder!);
    const other = e.key === 'owner-1' ? 'operator-1' : 'owner-1';
    resign(`signed by ${other} under its own key id`, {}, KEYS[other]!);
    resign(`key ${other}, signed by ${other}, role kept`, { key: other }, KEYS[other]!);
    resign('resolves widened and signed by the intruder', e.type === 'grant' ? { resolves: ['FIX7-P0-PROD-CI-SCOPE-1', 'FIX7-P0-DRYRUN-PROD-ROLLBACK-1', ...(e.resolves as string[])].filter((v, k, a) => a.indexOf(v) === k) } : { note: 'x' }, KEYS.intruder!);
    // Structure.
    const reject = { expect: 'reject' } as const;
    if (i < entries.length - 1) add(`line ${i + 1} deleted`, entries.filter((_, j) => j !== i), reject);
    add(`line ${i + 1} duplicated in place`, entries.flatMap((x, j) => (j === i ? [x, x] : [x])), reject);
    add(`line ${i + 1} duplicated at the end`, [...entries, e], reject);
    if (i < entries.length - 1) add(`lines ${i + 1} and ${i + 2} swapped`, entries.map((x, j) => (j === i ? entries[i + 1]! : j === i + 1 ? entries[i]! : x)), reject);
    if (i < entries.length - 1) add(`line ${i + 1} moved to the end`, [...entries.filter((_, j) => j !== i), e], reject);
    // The line reformatted: fields reordered, spaces added. The same canonical entry: still valid.
    const reformatted = JSON.stringify(Object.fromEntries(Object.entries(e).reverse()), null, 1).replace(/\n\s*/g, ' ');
    add(`line ${i + 1} reformatted (same canonical form)`, entries.map((x, j) => (j === i ? reformatted : x)), { expect: 'same' });
  });
  add('lines reversed', [...entries].reverse(), { expect: 'reject' });
  add('first line deleted, seq renumbered and chain re-linked', relink(entries.slice(1).map((x, j) => ({ ...x, seq: j + 1 })), 0).map((x, j) => (j === 0 ? { ...x, prev: '0'.repeat(64) } : x)));
  for (let n = 1; n < entries.length; n++) add(`newest ${n} line(s) deleted`, entries.slice(0, entries.length - n), { prefix: true });
  // Forged entries appended with a correct chain.
  const last = entries.at(-1)!;
  const forge = (name: string, fields: Entry, key: KeyObject) => {
    const e: Entry = { seq: entries.length + 1, ...fields, prev: hashOf(last) };
    e.sig = signWith(e, key);
    add(`forged entry appended: ${name}`, [...entries, e]);
  };
  const grant = { id: 'G-FORGED', type: 'grant', issued_at: '2026-11-20T00:00:00Z', action: 'apply', environment: 'production',
    resolves: ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1', 'FIX7-P0-OPERATOR-INPUT-1', 'FIX7-P0-PROD-BIRTH-SURFACE-1', 'FIX7-P0-PROD-CI-SCOPE-1'],
    evidence: [{ uri: 'https://forged.invalid/', sha256: 'ef'.repeat(32) }] };
  forge('unknown key', { ...grant, role: 'operator', key: 'intruder' }, KEYS.intruder!);
  forge('owner key id, intruder signature', { ...grant, role: 'operator', key: 'owner-1' }, KEYS.intruder!);
  forge("owner's key, role operator", { ...grant, role: 'operator', key: 'owner-1' }, KEYS['owner-1']!);
  forge('revoke of a revoke-free grant by the intruder', { id: 'R-FORGED', type: 'revoke', role: 'owner', key: 'intruder', issued_at: '2026-11-20T00:00:00Z', revokes: String(entries.find((x) => x.type === 'grant')!.id) }, KEYS.intruder!);
  return out;
}

/** Trust files with a key swapped: every variant must leave nothing more allowed. */
export function trustSwaps(): { name: string; keys: { id: string; role: string; public_key: string }[] }[] {
  const owner = { id: 'owner-1', role: 'owner', public_key: PUBLIC_PEM['owner-1']! };
  const operator = { id: 'operator-1', role: 'operator', public_key: PUBLIC_PEM['operator-1']! };
  const intruder = PUBLIC_PEM.intruder!;
  return [
    { name: "owner-1's public key replaced by the intruder's", keys: [{ ...owner, public_key: intruder }, operator] },
    { name: "operator-1's public key replaced by the intruder's", keys: [owner, { ...operator, public_key: intruder }] },
    { name: 'the two public keys swapped', keys: [{ ...owner, public_key: operator.public_key }, { ...operator, public_key: owner.public_key }] },
    { name: 'the two roles swapped', keys: [{ ...owner, role: 'operator' }, { ...operator, role: 'owner' }] },
    { name: 'the two ids swapped', keys: [{ ...owner, id: 'operator-1' }, { ...operator, id: 'owner-1' }] },
    { name: 'owner-1 removed', keys: [operator] },
    { name: 'both roles "owner"', keys: [owner, { ...operator, role: 'owner' }] },
    { name: "the intruder's key added with role owner", keys: [owner, operator, { id: 'intruder', role: 'owner', public_key: intruder }] },
  ];
}
