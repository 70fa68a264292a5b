#!/usr/bin/env node
// Seeded generator of the benchmark worlds: blocker maps, a trust file and signed, chained
// ledgers, written under .out/bench/ (git-ignored). The same seed gives the same bytes: keys are
// derived from the seed and Ed25519 signatures are deterministic.
//
//   node bench/generate.mjs [--seed N] [--force]
//
// Worlds: b{10,100,1000}-e{0,1000,10000} (blockers x ledger entries). b1000-e10000 is the
// "decide-1000x10000" world: 1,000 blockers over 50 map files, 10,000 ledger entries.
// Needs the built host (dist/, `make setup`): the ledger is signed and chained with its APIs.

import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { canonicalJson, sha256Hex } = await import(dist('schema/canonical.js'));
const { signEntry } = await import(dist('ledger/keys.js'));
const { formatTime } = await import(dist('schema/time.js'));

export const OUT = join(ROOT, '.out', 'bench');
export const WORLDS_DIR = join(OUT, 'worlds');
export const BLOCKER_COUNTS = [10, 100, 1000];
export const ENTRY_COUNTS = [0, 1000, 10000];
export const BLOCKERS_PER_MAP = 20;
/** Bump when the generated shape changes, so stale worlds are rebuilt. */
const GENERATOR_VERSION = 1;
export const DEFAULT_SEED = 20261125;

export const worldName = (blockers, entries) => `b${blockers}-e${entries}`;

// ---- seeded randomness (mulberry32) ----
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (xs) => xs[int(xs.length)];
  const chance = (p) => next() < p;
  const weighted = (pairs) => {
    let r = next() * pairs.reduce((s, [, w]) => s + w, 0);
    for (const [v, w] of pairs) if ((r -= w) < 0) return v;
    return pairs.at(-1)[0];
  };
  return { next, int, pick, chance, weighted };
}

// ---- vocabulary ----
const ROLES = ['owner', 'operator', 'security', 'release-manager', 'auditor'];
/** Catalog tags (the default catalog's) and tags no default action or environment carries. */
const TAGS = ['production', 'apply', 'cutover', 'permit', 'activation', 'repoint', 'real-run', 'production-ci',
  'dns', 'billing', 'data-migration', 'secrets'];
const TAG_WEIGHTS = TAGS.map((t) => [t, t === 'production' ? 3 : 1]);
const ACTIONS = { apply: ['apply'], cutover: ['cutover'], permit: ['permit'], activation: ['activation'],
  repoint: ['repoint'], 'real-run': ['real-run'], 'ci-enforcement': ['production-ci'] };
const ENVIRONMENTS = ['production', 'staging', 'development'];
export const TARGETS = Array.from({ length: 20 }, (_, i) => `T${String(i + 1).padStart(3, '0')}`);
const LEDGER_START = Date.parse('2026-01-01T00:00:00Z');
const LEDGER_SPAN_MS = 300 * 24 * 3600 * 1000;

// ---- keys: Ed25519 from a 32-byte seed (PKCS#8 DER prefix + seed) ----
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
function keyFromSeed(seed, name) {
  const bytes = createHash('sha256').update(`blockgate-bench:${seed}:${name}`).digest();
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, bytes]), format: 'der', type: 'pkcs8' });
  return {
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
  };
}

// ---- blockers: one global sequence; the world of B blockers is its first B ----
function actorFor(r) {
  const kind = r.weighted([['one', 35], ['all', 35], ['any', 25], ['array', 4], ['problem', 1]]);
  const two = () => {
    const a = r.pick(ROLES);
    let b = r.pick(ROLES);
    while (b === a) b = r.pick(ROLES);
    return [a, b];
  };
  switch (kind) {
    case 'one': return r.chance(0.3) ? `${r.pick(ROLES)} (scoped to the named surface)` : r.pick(ROLES);
    case 'all': { const [a, b] = two(); return r.pick([`${a} + ${b}`, `${a}, ${b}`, `${a} and ${b} (jointly)`]); }
    case 'any': { const [a, b] = two(); return r.pick([`${a} or ${b}`, `${a} | ${b}`]); }
    case 'array': return two();
    default: return r.chance(0.5) ? '(to be decided)' : 'owner + operator or security';
  }
}

function generateBlockers(seed, count) {
  const r = rng(seed);
  const blockers = [];
  for (let i = 0; i < count; i++) {
    const map = Math.floor(i / BLOCKERS_PER_MAP) + 1;
    const id = `GEN-M${String(map).padStart(2, '0')}-B${String(i + 1).padStart(4, '0')}`;
    const tags = new Set([r.weighted(TAG_WEIGHTS)]);
    while (r.chance(0.35) && tags.size < 3) tags.add(r.weighted(TAG_WEIGHTS));
    const list = [...tags];
    const blocker = {
      id,
      item: `generated blocker ${i + 1}: ${list.join(' and ')} surface not yet proven`,
      evidence: `bench inventory row ${i + 1}`,
      actor_needed: actorFor(r),
      next_action: `prove the ${list[0]} surface of row ${i + 1}`,
      blocks: r.chance(0.3) ? list.map((t) => t.toUpperCase().replace(/-/g, '_')) : list.join(r.pick(['/', ', '])),
    };
    if (r.chance(0.2)) blocker.evidence_required = true;
    // `after` chains: mostly the blocker just before (so chains form), sometimes a further one.
    if (i > 0 && r.chance(0.3)) {
      const after = new Set([blockers[i - 1].id]);
      if (i > 5 && r.chance(0.3)) after.add(blockers[r.int(i - 1)].id);
      blocker.after = [...after];
    }
    blockers.push(blocker);
  }
  return blockers;
}

function writeMaps(dir, blockers, seed) {
  const r = rng(seed ^ 0x5eed);
  mkdirSync(dir, { recursive: true });
  const files = Math.ceil(blockers.length / BLOCKERS_PER_MAP);
  for (let m = 0; m < files; m++) {
    const own = blockers.slice(m * BLOCKERS_PER_MAP, (m + 1) * BLOCKERS_PER_MAP);
    const doc = {
      doc: `bench-map-${m + 1}`,
      date: '2026-01-01',
      authority: 'generated by bench/generate.mjs; not a real blocker map',
      blockers: own,
    };
    if (own.length > 5 && r.chance(0.2)) doc.resolved_in_this_macro = [own[r.int(own.length)].id];
    writeFileSync(join(dir, `map-${String(m + 1).padStart(2, '0')}.json`), `${JSON.stringify(doc, null, 2)}\n`);
  }
}

// ---- ledger ----
function rolesOf(actor) {
  if (Array.isArray(actor)) return actor;
  return ROLES.filter((role) => actor.includes(role));
}

function generateLedger(seed, blockers, count, keys) {
  const r = rng(seed);
  const byRole = new Map(ROLES.map((role) => [role, blockers.filter((b) => rolesOf(b.actor_needed).includes(role))]));
  const grants = [];
  const lines = [];
  let prev = '0'.repeat(64);
  let at = LEDGER_START;
  const step = LEDGER_SPAN_MS / Math.max(count, 1);
  for (let seq = 1; seq <= count; seq++) {
    at += Math.max(1000, Math.round(step * (0.5 + r.next())));
    const issuedAt = formatTime(at - (at % 1000));
    let entry;
    if (grants.length > 10 && r.chance(0.12)) {
      const grant = r.pick(grants);
      // Mostly by the grant's own role (effective); sometimes by another (no effect).
      const role = r.chance(0.9) ? grant.role : r.pick(ROLES);
      entry = { seq, id: `R-${seq}`, type: 'revoke', role, key: `${role}-1`, issued_at: issuedAt, revokes: grant.id };
    } else {
      const role = r.pick(ROLES);
      const pool = byRole.get(role).length > 0 && r.chance(0.9) ? byRole.get(role) : blockers;
      const resolves = new Set([r.pick(pool).id]);
      while (resolves.size < Math.min(3, pool.length) && r.chance(0.45)) resolves.add(r.pick(pool).id);
      const first = blockers.find((b) => b.id === [...resolves][0]);
      const firstTags = (typeof first.blocks === 'string' ? first.blocks.split(/[/,]/) : first.blocks)
        .map((t) => t.trim().toLowerCase().replace(/_/g, '-'));
      const fitting = Object.keys(ACTIONS).filter((a) => ACTIONS[a].some((t) => firstTags.includes(t)));
      const action = fitting.length > 0 && r.chance(0.7) ? r.pick(fitting) : r.pick(Object.keys(ACTIONS));
      const environment = r.weighted([['production', 6], ['staging', 3], ['development', 1]]);
      entry = { seq, id: `G-${seq}`, type: 'grant', role, key: `${role}-1`, issued_at: issuedAt, action, environment };
      if (r.chance(0.5)) entry.target = r.pick(TARGETS);
      entry.resolves = [...resolves];
      if (r.chance(0.3)) entry.expires_at = formatTime(at - (at % 1000) + (1 + r.int(60)) * 24 * 3600 * 1000);
      if (r.chance(0.4)) entry.evidence = [{ uri: `https://example.invalid/bench/${seq}.json`, sha256: sha256Hex(`evidence ${seq}`) }];
      if (r.chance(0.1)) entry.note = `bench grant ${seq}`;
      grants.push(entry);
    }
    // About 1% signed with a key the trust file does not hold: counted as unknown-key.
    if (r.chance(0.01)) entry.key = 'intruder-1';
    entry.prev = prev;
    const signer = entry.key === 'intruder-1' ? keys.get('intruder') : keys.get(entry.role);
    entry.sig = signEntry(entry, signer.privateKey);
    prev = sha256Hex(canonicalJson(entry));
    lines.push(JSON.stringify(entry));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Generates every world unless the manifest says they are there for this seed and version. */
export function generate({ seed = DEFAULT_SEED, force = false, log = console.error } = {}) {
  const manifestPath = join(OUT, 'manifest.json');
  if (!force && existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (m.seed === seed && m.version === GENERATOR_VERSION) return m;
  }
  rmSync(WORLDS_DIR, { recursive: true, force: true });
  mkdirSync(join(OUT, 'keys'), { recursive: true });
  const keys = new Map([...ROLES, 'intruder'].map((name) => [name, keyFromSeed(seed, name)]));
  for (const [name, k] of keys) writeFileSync(join(OUT, 'keys', `${name}-1.key`), k.privateKeyPem);
  const trust = { keys: ROLES.map((role) => ({ id: `${role}-1`, role, public_key: keys.get(role).publicKeyPem })) };
  writeFileSync(join(OUT, 'trust.json'), `${JSON.stringify(trust, null, 2)}\n`);

  const all = generateBlockers(seed, Math.max(...BLOCKER_COUNTS));
  const worlds = [];
  for (const b of BLOCKER_COUNTS) {
    const blockers = all.slice(0, b);
    for (const e of ENTRY_COUNTS) {
      const name = worldName(b, e);
      const dir = join(WORLDS_DIR, name);
      const t0 = performance.now();
      writeMaps(join(dir, 'maps'), blockers, seed + b);
      writeFileSync(join(dir, 'ledger.jsonl'), generateLedger(seed * 31 + b * 7 + e, blockers, e, keys));
      worlds.push({ name, blockers: b, entries: e, maps: Math.ceil(b / BLOCKERS_PER_MAP) });
      log(`generated ${name} in ${Math.round(performance.now() - t0)} ms`);
    }
  }
  const manifest = { seed, version: GENERATOR_VERSION, trust: 'trust.json', worlds };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The large world of issue 13, 10,000 blockers x 100,000 entries, generated only when asked for (it takes a while). */
export const LARGE = { blockers: 10000, entries: 100000 };

/** Generates the large world beside the others (same seed, trust and keys) unless it is there for this seed. */
export function generateLarge({ seed = DEFAULT_SEED, force = false } = {}) {
  const manifest = generate({ seed });
  const name = worldName(LARGE.blockers, LARGE.entries);
  const dir = join(WORLDS_DIR, name);
  const stamp = join(dir, 'generated.json');
  if (!force && existsSync(stamp) && JSON.parse(readFileSync(stamp, 'utf8')).seed === seed) return { name, dir };
  rmSync(dir, { recursive: true, force: true });
  const keys = new Map([...ROLES, 'intruder'].map((k) => [k, keyFromSeed(seed, k)]));
  const t0 = performance.now();
  const blockers = generateBlockers(seed, LARGE.blockers);
  writeMaps(join(dir, 'maps'), blockers, seed + LARGE.blockers);
  writeFileSync(join(dir, 'ledger.jsonl'), generateLedger(seed * 31 + LARGE.blockers * 7 + LARGE.entries, blockers, LARGE.entries, keys));
  writeFileSync(stamp, `${JSON.stringify({ seed, version: manifest.version, ...LARGE })}\n`);
  log(`generated ${name} in ${Math.round(performance.now() - t0)} ms`);
  return { name, dir };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) {
    console.error('usage: node bench/generate.mjs [--seed N] [--force]');
    process.exit(1);
  }
  const m = generate({ seed, force: args.includes('--force') });
  console.error(`worlds under ${WORLDS_DIR} (seed ${m.seed})`);
}
