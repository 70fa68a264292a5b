// Writes a WorldSpec to the files a user would give blockgate: maps, a signed and chained ledger,
// a trust file, a catalog. Signing and chaining are done here from SPEC 1.4 (RFC 8785 via the
// `canonicalize` package, Ed25519 via node:crypto), not with the host's helpers, so that a host
// that canonicalised or hashed differently would be caught.

import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import type { EntrySpec, WorldSpec } from './world.js';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const keyCache = new Map<number, { privateKey: KeyObject; publicKeyPem: string }>();

/** A deterministic Ed25519 key pair per seed number, so fixtures replay byte for byte. */
export function keyPair(seed: number): { privateKey: KeyObject; publicKeyPem: string } {
  let pair = keyCache.get(seed);
  if (!pair) {
    const raw = createHash('sha256').update(`blockgate-differential-key-${seed}`).digest();
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, raw]), format: 'der', type: 'pkcs8' });
    const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
    pair = { privateKey, publicKeyPem };
    keyCache.set(seed, pair);
  }
  return pair;
}

function jcs(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('no canonical form');
  return text;
}

export const GENESIS = '0'.repeat(64);

function permuted(entry: Record<string, unknown>, order: number): Record<string, unknown> {
  const keys = Object.keys(entry);
  // A small deterministic shuffle: the written field order must not matter to the chain.
  let state = order >>> 0;
  for (let i = keys.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) Object.defineProperty(out, k, { value: entry[k], enumerable: true, writable: true, configurable: true });
  return out;
}

function escapeNonAscii(text: string): string {
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The ledger lines of a world (each ending in \n) and the signed entries. */
export function ledgerLines(entries: readonly EntrySpec[]): { text: string; signed: Record<string, unknown>[] } {
  let prev = GENESIS;
  const lines: string[] = [];
  const signed: Record<string, unknown>[] = [];
  entries.forEach((spec, i) => {
    const unsigned: Record<string, unknown> = { ...spec.fields, seq: i + 1, key: spec.signing.keyId, prev };
    const { privateKey } = keyPair(spec.signing.seed);
    const sig = sign(null, Buffer.from(jcs(unsigned), 'utf8'), privateKey).toString('base64');
    const whole = { ...unsigned, sig };
    signed.push(whole);
    prev = createHash('sha256').update(jcs(whole), 'utf8').digest('hex');
    const line = JSON.stringify(permuted(whole, spec.order));
    lines.push(`${spec.escapeUnicode ? escapeNonAscii(line) : line}\n`);
  });
  return { text: lines.join(''), signed };
}

export interface WorldFiles {
  dir: string;
  maps: string[];
  ledger: string | undefined;
  trust: string | undefined;
  catalog: string | undefined;
}

/** Writes the world's files into `dir` (created). */
export function writeWorld(world: WorldSpec, dir: string): WorldFiles {
  mkdirSync(dir, { recursive: true });
  const maps = world.maps.map((m, i) => {
    const path = join(dir, `map-${i + 1}.json`);
    writeFileSync(path, `${JSON.stringify(m.doc, null, 2)}\n`);
    return path;
  });
  let ledger: string | undefined;
  if (world.entries.length > 0) {
    ledger = join(dir, 'grants.jsonl');
    writeFileSync(ledger, ledgerLines(world.entries).text);
  }
  let trust: string | undefined;
  if (world.verify || world.trust.length > 0) {
    trust = join(dir, 'trust.json');
    writeFileSync(trust, `${JSON.stringify({
      keys: world.trust.map((k) => ({ id: k.id, role: k.role, public_key: keyPair(k.seed).publicKeyPem, ...(k.principal !== undefined ? { principal: k.principal } : {}) })),
    }, null, 2)}\n`);
  }
  let catalog: string | undefined;
  if (world.catalog !== null) {
    catalog = join(dir, 'catalog.json');
    writeFileSync(catalog, `${JSON.stringify(world.catalog, null, 2)}\n`);
  }
  return { dir, maps, ledger, trust, catalog };
}
