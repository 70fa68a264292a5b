// The bad-input corpus: every input blockgate reads (maps, ledger, trust, catalog, what-if --add
// files, `ledger append --entry` files, command-line flags), each broken in the ways files and
// flags break: truncated, empty, wrong types, invalid UTF-8, a BOM, CRLF, NUL bytes, duplicate
// keys, `__proto__`/`constructor` keys, 1,000-deep nesting, very long strings, files over the
// size limit (sparse, so nothing large is written), numbers where strings belong, non-files.
//
// Each case says what must happen: `input` (exit 3, the message names the file and, where there
// is one, the line), `usage` (exit 1), `harmless` (legal input: the same answer as the untouched
// inputs), or `denied` (legal input that grants less: exit 2). Cases with the same `batch` run
// in one process (several --blockers maps: every problem is listed, each naming its file).

import { copyFileSync, mkdirSync, readFileSync, truncateSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIX7 = join(ROOT, 'fixtures/fix7');

export type Kind = 'map' | 'ledger' | 'trust' | 'catalog' | 'add' | 'entry' | 'flags';
/** `error`: exit 3 or 1 (either is a refusal SPEC allows for the case). */
export type Expect = 'input' | 'usage' | 'error' | 'harmless' | 'denied';

export interface Case {
  name: string;
  kind: Kind;
  args: string[];
  expect: Expect;
  /** The broken file: the message must name it. */
  file?: string;
  /** The message must name a line. */
  line?: boolean;
  /** Allowed error codes, when it matters which. */
  codes?: string[];
  format: 'json' | 'text';
  /**
   * Peak resident memory allowed, MB, for the cases where memory is the point (inputs over the
   * size limit, very long strings): such a case runs bin/blockgate in its own process, measured.
   * Every other case runs in-process.
   */
  maxRssMb?: number;
  /** For `entry` cases: this ledger must be unchanged afterwards. */
  unchanged?: string;
  /** A reported bug in src/: the case is expected to fail until it is fixed. */
  bug?: string;
  /** Cases with the same batch share one process (their files all passed at once). */
  batch?: string;
  /** For `harmless` what-if cases: compare with what-if without --add. */
  reference?: 'what-if-without-add';
}

export const AT = '2026-11-25T12:00:00Z';
/** Allowed on the untouched inputs: any broken input silently skipped would show as exit 0. */
export const REQUEST = ['--action', 'real-run', '--env', 'staging', '--at', AT];
export const DEFAULT_RSS_MB = 400;

export interface Base {
  dir: string;
  map: string;
  ledger: string;
  trust: string;
  catalog: string;
  add: string;
  entry: string;
  key: string;
}

const DEFAULT_CATALOG = {
  actions: {
    apply: { tags: ['apply'] }, cutover: { tags: ['cutover'] }, permit: { tags: ['permit'] }, activation: { tags: ['activation'] },
    repoint: { tags: ['repoint'] }, 'real-run': { tags: ['real-run'] }, 'ci-enforcement': { tags: ['production-ci'] },
  },
  environments: { production: { tags: ['production'] }, staging: { tags: [] }, development: { tags: [] } },
};

const ADD_LINES = [
  { id: 'H-1', type: 'grant', role: 'operator', issued_at: '2026-11-24T00:00:00Z', action: 'apply', environment: 'production',
    resolves: ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1'], note: 'hypothetical rollback proof' },
  { id: 'H-2', type: 'revoke', role: 'owner', issued_at: '2026-11-24T00:00:00Z', revokes: 'G-OWNER-APPLY-1' },
];

export function writeBase(dir: string): Base {
  mkdirSync(join(dir, 'base'), { recursive: true });
  const b = (name: string) => join(dir, 'base', name);
  const base: Base = {
    dir, map: b('map.json'), ledger: b('grants.jsonl'), trust: b('trust.json'), catalog: b('catalog.json'),
    add: b('add.jsonl'), entry: b('entry.json'), key: join(ROOT, 'fixtures/keys/owner-1.test-only.key'),
  };
  copyFileSync(join(FIX7, 'production-readiness-blocker-map.json'), base.map);
  copyFileSync(join(FIX7, 'grants.jsonl'), base.ledger);
  copyFileSync(join(ROOT, 'fixtures/trust.test-only.json'), base.trust);
  writeFileSync(base.catalog, `${JSON.stringify(DEFAULT_CATALOG, null, 2)}\n`);
  writeFileSync(base.add, ADD_LINES.map((l) => `${JSON.stringify(l)}\n`).join(''));
  writeFileSync(base.entry, `${JSON.stringify({ id: 'G-NEW-1', type: 'grant', issued_at: '2026-11-24T00:00:00Z', action: 'apply', environment: 'production', resolves: ['FIX7-P0-PROD-OPT4-1'] }, null, 2)}\n`);
  return base;
}

/** The command line that reads a file of this kind from `path` (the rest untouched). */
export function argsFor(kind: Exclude<Kind, 'flags'>, path: string, base: Base, ledgerCopy?: string): string[] {
  switch (kind) {
    case 'map': return ['check', '--blockers', path, '--ledger', base.ledger, '--trust', base.trust, ...REQUEST];
    case 'ledger': return ['check', '--blockers', base.map, '--ledger', path, '--trust', base.trust, ...REQUEST];
    case 'trust': return ['check', '--blockers', base.map, '--ledger', base.ledger, '--trust', path, ...REQUEST];
    case 'catalog': return ['check', '--blockers', base.map, '--ledger', base.ledger, '--trust', base.trust, '--catalog', path, ...REQUEST];
    case 'add': return ['what-if', '--blockers', base.map, '--ledger', base.ledger, '--trust', base.trust, '--add', path, '--at', AT];
    case 'entry': return ['ledger', 'append', '--ledger', ledgerCopy!, '--key', base.key, '--key-id', 'owner-1', '--trust', base.trust, '--entry', path];
  }
}

// ---------------------------------------------------------------------------------------------
// Byte-level helpers

const enc = (s: string) => Buffer.from(s, 'utf8');

/** A unique spot inside a string value of each base file, where bytes are injected. */
const MARKER: Record<Exclude<Kind, 'flags'>, string> = {
  map: 'UNKNOWN/unscoped',
  ledger: 'rollback is proven',
  trust: 'owner-1',
  catalog: 'permit',
  add: 'hypothetical rollback proof',
  entry: 'G-NEW-1',
};

function injectAt(text: Buffer, marker: string, bytes: Buffer): Buffer {
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`marker ${marker} not found`);
  const split = at + 3;
  return Buffer.concat([text.subarray(0, split), bytes, text.subarray(split)]);
}

function deep(n: number, open: string, close: string, leaf = '0'): string {
  return open.repeat(n) + leaf + close.repeat(n);
}

/** Adds a top-level (or for JSON Lines, first-line) member `"key": <raw JSON>` after the opening brace. */
function addMember(text: Buffer, key: string, raw: string): Buffer {
  const i = text.indexOf('{');
  return Buffer.concat([text.subarray(0, i + 1), enc(`${JSON.stringify(key)}: ${raw}, `), text.subarray(i + 1)]);
}

function sparse(path: string, size: number): void {
  closeSync(openSync(path, 'w'));
  truncateSync(path, size);
}

// ---------------------------------------------------------------------------------------------

interface Spec {
  name: string;
  /** Bytes of the file, or a special path. */
  bytes?: Buffer;
  path?: string;
  make?: (path: string) => void;
  expect: Expect;
  line?: boolean;
  codes?: string[];
  maxRssMb?: number;
  /** The message need not name the file (a request error). */
  noFile?: boolean;
  batch?: string;
}

const JSON_KINDS = new Set(['map', 'trust', 'catalog', 'entry']);

/** The generic breakages, as they apply to a file of `kind` whose untouched bytes are `text`. */
function genericSpecs(kind: Exclude<Kind, 'flags'>, text: Buffer, dir: string): Spec[] {
  const lines = kind === 'ledger' || kind === 'add';
  const marker = MARKER[kind];
  const inject = (b: Buffer) => injectAt(text, marker, b);
  const specs: Spec[] = [];
  const add = (s: Spec) => specs.push(s);

  // Empty and blank.
  add({ name: 'empty file', bytes: Buffer.alloc(0), expect: kind === 'ledger' ? 'denied' : kind === 'add' ? 'harmless' : 'input' });
  add({ name: 'blank lines only', bytes: enc('\n  \n'), expect: 'input', line: true });
  // Truncations.
  add({ name: 'truncated at half', bytes: text.subarray(0, Math.floor(text.length / 2)), expect: 'input', line: true });
  add({ name: 'truncated 3 bytes short', bytes: text.subarray(0, text.length - 3), expect: 'input', line: true });
  add({ name: 'truncated inside a string', bytes: text.subarray(0, text.indexOf(marker) + 3), expect: 'input', line: true });
  // Wrong top-level types.
  for (const [n, v] of [['an array', '[]'], ['a number', '42'], ['null', 'null']] as const) {
    add({ name: `top level is ${n}`, bytes: enc(`${v}\n`), expect: 'input', line: true });
  }
  // Invalid UTF-8.
  for (const [n, b] of [
    ['byte 0xFF', [0xff]], ['overlong "/" (C0 AF)', [0xc0, 0xaf]], ['cut multibyte sequence (E2 82)', [0xe2, 0x82]],
    ['UTF-8-encoded surrogate (ED A0 80)', [0xed, 0xa0, 0x80]], ['5-byte sequence (F8 ...)', [0xf8, 0x88, 0x80, 0x80, 0x80]],
    ['lone continuation byte (80)', [0x80]],
  ] as const) {
    add({ name: `invalid UTF-8: ${n}`, bytes: inject(Buffer.from(b)), expect: 'input', line: true });
  }
  add({ name: 'a lone surrogate escape \\ud800 in a string', bytes: inject(enc('\\ud800')), expect: 'input', line: true });
  // BOM, CRLF.
  add({ name: 'byte order mark', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]), expect: 'input', line: true });
  add({ name: 'CRLF line ends', bytes: enc(text.toString('utf8').replace(/\n/g, '\r\n')), expect: lines ? 'input' : 'harmless', line: lines });
  // NUL bytes.
  add({ name: 'NUL inside a string', bytes: inject(Buffer.from([0])), expect: 'input', line: true });
  add({ name: 'NUL between tokens', bytes: Buffer.concat([Buffer.from([0]), text]), expect: 'input', line: true });
  add({ name: 'a file of NUL bytes', bytes: Buffer.alloc(4096), expect: 'input', line: true });
  // Duplicate keys.
  const firstKey = /"([^"]+)"\s*:/.exec(text.toString('utf8'))![1]!;
  add({ name: `duplicate key "${firstKey}"`, bytes: addMember(text, firstKey, '"again"'), expect: 'input', line: true });
  // Nesting.
  add({ name: '1,000-deep array', bytes: addMember(text, 'deep', deep(1000, '[', ']')), expect: 'input', line: true });
  add({ name: '1,000-deep object', bytes: addMember(text, 'deep', deep(1000, '{"a":', '}')), expect: 'input', line: true });
  // __proto__ and constructor: metadata in a map (harmless); unknown fields elsewhere.
  const openSchema = kind === 'map';
  add({ name: '"__proto__" member', bytes: addMember(text, '__proto__', '{"blockers": [], "allowed": true, "keys": []}'), expect: openSchema ? 'harmless' : 'input', line: true });
  add({ name: '"constructor" member', bytes: addMember(text, 'constructor', '{"prototype": {"allowed": true}}'), expect: openSchema ? 'harmless' : 'input', line: true });
  // Numbers where strings belong (and the reverse).
  const numbers: Record<typeof kind, [string, string]> = {
    map: ['"id": "FIX7-P0-PLAN-REALRUN-1"', '"id": 7'],
    ledger: ['"role":"owner"', '"role":7'],
    trust: ['"role": "owner"', '"role": 7'],
    catalog: ['"real-run"\n      ]', '7\n      ]'],
    add: ['"role":"operator"', '"role":1795132800000'],
    entry: ['"issued_at": "2026-11-24T00:00:00Z"', '"issued_at": 1795132800000'],
  };
  const [from, to] = numbers[kind];
  const swapped = text.toString('utf8').replace(from, to);
  if (swapped === text.toString('utf8')) throw new Error(`${kind}: ${from} not found`);
  add({ name: 'a number where a string belongs', bytes: enc(swapped), expect: 'input', line: true });
  // Size limits: a sparse 200 MB file and one byte over the 64 MiB limit, refused before reading.
  add({ name: '200 MB file (sparse)', make: (p) => sparse(p, 200 * 1024 * 1024), expect: 'input', maxRssMb: DEFAULT_RSS_MB });
  add({ name: 'one byte over the 64 MiB limit (sparse)', make: (p) => sparse(p, 64 * 1024 * 1024 + 1), expect: 'input', maxRssMb: DEFAULT_RSS_MB });
  // Not a file.
  add({ name: 'a directory', path: dir, expect: 'input' });
  add({ name: '/dev/null', path: '/dev/null', expect: 'input' });
  add({ name: 'a FIFO', make: (p) => execFileSync('mkfifo', [p]), expect: 'input' });
  add({ name: 'a missing file', path: join(dir, 'does-not-exist.json'), expect: 'input' });
  // Very long strings.
  if (JSON_KINDS.has(kind) || lines) {
    const long = 'x'.repeat(8 * 1024 * 1024);
    if (kind === 'map') add({ name: '8 MB string (an item)', bytes: enc(text.toString('utf8').replace('"item": "REAL_RUN requires', `"item": "${long} REAL_RUN requires`)), expect: 'harmless', maxRssMb: DEFAULT_RSS_MB });
    if (kind === 'map') add({ name: '1 MB key name (metadata)', bytes: addMember(text, 'k'.repeat(1024 * 1024), '1'), expect: 'harmless', maxRssMb: DEFAULT_RSS_MB });
    if (kind === 'trust') add({ name: '8 MB key id (an extra key)', bytes: enc(text.toString('utf8').replace('"keys": [', `"keys": [{"id": "${long}", "role": "dba", "public_key": ${JSON.stringify(readFileSync(join(ROOT, 'fixtures/keys/intruder.test-only.pub'), 'utf8'))}},`)), expect: 'harmless', maxRssMb: DEFAULT_RSS_MB });
    if (kind === 'catalog') add({ name: '8 MB action name', bytes: enc(text.toString('utf8').replace('"actions": {', `"actions": {"${long}": {"tags": ["x"]},`)), expect: 'harmless', maxRssMb: DEFAULT_RSS_MB });
    if (kind === 'ledger') {
      // On the last line only the signature breaks (no later line chains to it): SPEC 1.4 rejects the ledger.
      const ls = text.toString('utf8').split('\n');
      ls[ls.length - 2] = ls[ls.length - 2]!.replace('"note":"scope still under review"', `"note":"${long}"`);
      add({ name: '8 MB note on the last line (signature no longer verifies)', bytes: enc(ls.join('\n')), expect: 'input', codes: ['ledger-signature'], maxRssMb: DEFAULT_RSS_MB });
    }
    if (kind === 'add') add({ name: '8 MB note', bytes: inject(enc(long)), expect: 'harmless', maxRssMb: DEFAULT_RSS_MB });
  }
  return specs;
}

/** Failures of a kind's own schema. */
function schemaSpecs(kind: Exclude<Kind, 'flags'>, text: Buffer): Spec[] {
  const s = text.toString('utf8');
  const specs: Spec[] = [];
  const replace = (name: string, from: string | RegExp, to: string, expect: Expect = 'input', codes?: string[]) => {
    const out = s.replace(from, to);
    if (out === s) throw new Error(`${kind} ${name}: no match for ${String(from)}`);
    const spec: Spec = { name, bytes: enc(out), expect, line: expect === 'input' };
    if (codes) spec.codes = codes;
    specs.push(spec);
  };
  const whole = (name: string, value: unknown, expect: Expect = 'input', codes?: string[]) => {
    // Unknown names in a request have no line; everything else in the file does.
    const spec: Spec = { name, bytes: enc(`${JSON.stringify(value, null, 2)}\n`), expect, line: expect === 'input' && !codes?.includes('unknown-environment') };
    if (codes) spec.codes = codes;
    // Broken maps are all reported at once: their schema cases share one process.
    if (kind === 'map' && expect === 'input') spec.batch = 'map-schema';
    specs.push(spec);
  };
  const fix7 = (kind === 'ledger' || kind === 'add' ? {} : JSON.parse(s)) as Record<string, unknown>;
  switch (kind) {
    case 'map': {
      const blockers = fix7.blockers as Record<string, unknown>[];
      const withBlocker = (patch: Record<string, unknown>, at = 3) => ({ ...fix7, blockers: blockers.map((b, i) => (i === at ? { ...b, ...patch } : b)) });
      whole('no "blockers"', { doc: 'x' });
      whole('"blockers" is an object', { blockers: {} });
      whole('a blocker is null', { blockers: [...blockers, null] });
      whole('a blocker is a string', { blockers: [...blockers, 'FIX7'] });
      whole('blocker id missing', withBlocker({ id: undefined }));
      whole('blocker id empty', withBlocker({ id: '' }));
      whole('actor_needed missing', withBlocker({ actor_needed: undefined }));
      whole('actor_needed is a number', withBlocker({ actor_needed: 1 }));
      whole('actor_needed is null', withBlocker({ actor_needed: null }));
      whole('actor_needed array of numbers', withBlocker({ actor_needed: [1, 2] }));
      whole('actor_needed is an object', withBlocker({ actor_needed: { role: 'owner' } }));
      whole('blocks is a number', withBlocker({ blocks: 5 }));
      whole('blocks is an object', withBlocker({ blocks: { tag: 'REAL_RUN' } }));
      whole('blocks missing', withBlocker({ blocks: undefined }));
      whole('evidence_required is "yes"', withBlocker({ evidence_required: 'yes' }));
      whole('after is a string', withBlocker({ after: 'FIX7-P0-PROD-OPT4-1' }));
      whole('after holds an empty id', withBlocker({ after: [''] }));
      whole('after holds a number', withBlocker({ after: [1] }));
      whole('item is a number', withBlocker({ item: 3 }));
      whole('resolved_in_this_macro is a string', { ...fix7, resolved_in_this_macro: 'FIX7-P0-PLAN-REALRUN-1' });
      whole('resolved_in_this_macro holds a number', { ...fix7, resolved_in_this_macro: [1] });
      whole('the same id twice in one map', { ...fix7, blockers: [...blockers, blockers[3]] }, 'input', ['map-conflict']);
      // A blocker __proto__ member must not become its prototype (and change evidence_required or roles).
      whole('a blocker with a "__proto__" member', { ...fix7, blockers: blockers.map((b, i) => (i === 3 ? JSON.parse(JSON.stringify(b).replace('{', '{"__proto__": {"evidence_required": true, "roles": ["nobody"], "after": ["X"]},')) : b)) }, 'harmless');
      break;
    }
    case 'ledger': {
      const ls = s.split('\n');
      const lineWith = (i: number, f: (l: string) => string) => enc(ls.map((l, j) => (j === i ? f(l) : l)).join('\n'));
      const spec = (name: string, bytes: Buffer, codes?: string[]) => specs.push(codes ? { name, bytes, expect: 'input', line: true, codes } : { name, bytes, expect: 'input', line: true });
      spec('a blank line in the middle', enc([...ls.slice(0, 2), '', ...ls.slice(2)].join('\n')));
      spec('no final newline', enc(s.slice(0, -1)));
      spec('CR on one line only', lineWith(2, (l) => `${l}\r`));
      spec('seq as a string', lineWith(0, (l) => l.replace('"seq":1', '"seq":"1"')));
      spec('seq 0', lineWith(0, (l) => l.replace('"seq":1', '"seq":0')));
      spec('seq out of range (1e400)', lineWith(0, (l) => l.replace('"seq":1', '"seq":1e400')));
      spec('seq fractional', lineWith(0, (l) => l.replace('"seq":1', '"seq":1.5')));
      spec('prev in upper case', lineWith(1, (l) => l.replace(/"prev":"([0-9a-f]+)"/, (_, h: string) => `"prev":"${h.toUpperCase()}"`)));
      spec('prev too short', lineWith(1, (l) => l.replace(/"prev":"([0-9a-f]+)"/, '"prev":"abc"')));
      spec('type "grants"', lineWith(0, (l) => l.replace('"type":"grant"', '"type":"grants"')));
      spec('issued_at is a number', lineWith(0, (l) => l.replace('"issued_at":"2026-11-20T10:00:00Z"', '"issued_at":1795132800000')), ['ledger-schema', 'bad-time']);
      spec('issued_at without a zone', lineWith(0, (l) => l.replace('"issued_at":"2026-11-20T10:00:00Z"', '"issued_at":"2026-11-20T10:00:00"')), ['bad-time', 'ledger-schema']);
      spec('issued_at on 30 February', lineWith(0, (l) => l.replace('"issued_at":"2026-11-20T10:00:00Z"', '"issued_at":"2026-02-30T10:00:00Z"')), ['bad-time', 'ledger-schema']);
      spec('a typo: expire_at', lineWith(3, (l) => l.replace('"expires_at"', '"expire_at"')));
      spec('resolves empty', lineWith(0, (l) => l.replace(/"resolves":\[[^\]]*\]/, '"resolves":[]')));
      spec('resolves is a string', lineWith(0, (l) => l.replace(/"resolves":\[[^\]]*\]/, '"resolves":"FIX7-P0-PROD-OPT4-1"')));
      spec('resolves twice the same id', lineWith(2, (l) => l.replace('"resolves":["FIX7-P0-PLAN-REALRUN-1"]', '"resolves":["FIX7-P0-PLAN-REALRUN-1","FIX7-P0-PLAN-REALRUN-1"]')));
      spec('evidence sha256 in upper case', lineWith(1, (l) => l.replace('"sha256":"9f2c', '"sha256":"9F2C')));
      spec('evidence without sha256', lineWith(1, (l) => l.replace(/,"sha256":"[0-9a-f]+"/, '')));
      spec('an unknown field', lineWith(2, (l) => l.replace('{', '{"approved":true,')));
      spec('target empty', lineWith(2, (l) => l.replace('"action":', '"target":"","action":')));
      spec('target is a number', lineWith(2, (l) => l.replace('"action":', '"target":1,"action":')));
      spec('key missing', lineWith(2, (l) => l.replace('"key":"owner-1",', '')));
      spec('sig too short', lineWith(2, (l) => l.replace(/"sig":"[^"]+"/, '"sig":"AAAA"')));
      spec('sig in URL-safe base64', lineWith(5, (l) => l.replace(/"sig":"([^"]+)"/, (_, g: string) => `"sig":"${g.replace(/\+/g, '-').replace(/\//g, '_')}"`)));
      spec('a revoke with grant fields', lineWith(5, (l) => l.replace('"revokes":', '"action":"apply","revokes":')));
      spec('a revoke of an unknown id', lineWith(5, (l) => l.replace('"revokes":"G-OPERATOR-CI-1"', '"revokes":"G-NOPE"')), ['ledger-dangling-revoke', 'ledger-chain']);
      spec('a line holding two entries', enc(`${ls[0]}${ls[1]}\n${ls.slice(2).join('\n')}`));
      break;
    }
    case 'trust': {
      const keys = fix7.keys as Record<string, unknown>[];
      const withKey = (patch: Record<string, unknown>) => ({ keys: [{ ...keys[0], ...patch }, keys[1]] });
      const rsa = execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      const rsaPub = execFileSync('openssl', ['pkey', '-pubout'], { input: rsa, stdio: ['pipe', 'pipe', 'ignore'] }).toString();
      whole('no "keys"', { key: keys });
      whole('"keys" is an object', { keys: { 'owner-1': keys[0] } });
      whole('a key is null', { keys: [...keys, null] });
      whole('key id is a number', withKey({ id: 1 }));
      whole('public_key is a number', withKey({ public_key: 1 }));
      whole('public_key is not PEM', withKey({ public_key: 'MCowBQYDK2VwAyEAGTGweJGjPH2u2N4HmAop4hwLFaNYekHvjAUof9oLGBE=' }));
      whole('public_key is a private key', withKey({ public_key: readFileSync(join(ROOT, 'fixtures/keys/owner-1.test-only.key'), 'utf8') }));
      whole('public_key is an RSA key', withKey({ public_key: rsaPub }));
      whole('public_key PEM with a damaged body', withKey({ public_key: String(keys[0]!.public_key).replace('MCow', 'MCo!') }));
      whole('role blank', withKey({ role: '   ' }));
      whole('role missing', withKey({ role: undefined }));
      whole('an unknown field in a key', withKey({ roles: ['owner'] }));
      whole('the same key id twice', { keys: [keys[0], { ...keys[1], id: 'owner-1' }] });
      whole('one public key under two ids', { keys: [keys[0], { ...keys[0], id: 'owner-2', role: 'operator' }] });
      whole('no keys at all', { keys: [] }, 'denied');
      break;
    }
    case 'catalog': {
      whole('no "actions"', { environments: DEFAULT_CATALOG.environments });
      whole('"actions" is an array', { ...DEFAULT_CATALOG, actions: ['apply'] });
      whole('tags is a string', { ...DEFAULT_CATALOG, actions: { ...DEFAULT_CATALOG.actions, 'real-run': { tags: 'real-run' } } });
      whole('tags missing', { ...DEFAULT_CATALOG, actions: { ...DEFAULT_CATALOG.actions, 'real-run': {} } });
      whole('an unknown field beside tags', { ...DEFAULT_CATALOG, actions: { ...DEFAULT_CATALOG.actions, 'real-run': { tags: ['real-run'], allowed: true } } });
      whole('an empty action name', { ...DEFAULT_CATALOG, actions: { ...DEFAULT_CATALOG.actions, '': { tags: [] } } });
      whole('an unknown top-level field', { ...DEFAULT_CATALOG, version: 2 });
      // A request the catalog does not know is the request's fault: no file to name.
      whole('the requested environment missing', { ...DEFAULT_CATALOG, environments: { production: { tags: ['production'] } } }, 'input', ['unknown-environment']);
      specs.at(-1)!.noFile = true;
      // Names that are Object.prototype members are plain names: legal, and decide nothing.
      const withNames = { actions: { ...DEFAULT_CATALOG.actions }, environments: { ...DEFAULT_CATALOG.environments } };
      Object.defineProperty(withNames.actions, '__proto__', { value: { tags: ['production'] }, enumerable: true });
      Object.defineProperty(withNames.environments, 'constructor', { value: { tags: ['production'] }, enumerable: true });
      whole('actions named "__proto__" and "constructor"', withNames, 'harmless');
      break;
    }
    case 'add': {
      const ls = s.split('\n');
      const spec = (name: string, bytes: Buffer, codes?: string[]) => specs.push(codes ? { name, bytes, expect: 'input', line: true, codes } : { name, bytes, expect: 'input', line: true });
      spec('an entry with seq, key, prev and sig', enc(`${ls[0]!.replace('{', '{"seq":7,"key":"owner-1","prev":"' + '0'.repeat(64) + '","sig":"' + 'A'.repeat(86) + '==",')}\n${ls[1]}\n`));
      spec('an entry without role', enc(`${ls[0]!.replace('"role":"operator",', '')}\n`));
      spec('a revoke of an unknown grant', enc(`${ls[1]!.replace('G-OWNER-APPLY-1', 'G-NOPE')}\n`), ['ledger-dangling-revoke']);
      spec('an id the ledger already has', enc(`${ls[0]!.replace('"H-1"', '"G-OWNER-APPLY-1"')}\n`), ['ledger-duplicate-id']);
      spec('issued_at not RFC 3339', enc(`${ls[0]!.replace('2026-11-24T00:00:00Z', '24/11/2026')}\n`), ['bad-time', 'ledger-schema']);
      spec('a blank line between entries', enc(`${ls[0]}\n\n${ls[1]}\n`));
      break;
    }
    case 'entry': {
      const spec = (name: string, value: unknown) => specs.push({ name, bytes: enc(JSON.stringify(value)), expect: 'input', line: false });
      spec('an entry with seq and sig', { ...fix7, seq: 9, sig: 'A'.repeat(86) + '==' });
      spec('an entry with an unknown field', { ...fix7, approved: true });
      spec('an entry naming another key', { ...fix7, key: 'operator-1' });
      break;
    }
  }
  return specs;
}

/** Command-line flags broken in every way (no file involved). */
function flagCases(base: Base): Case[] {
  const inputs = ['--blockers', base.map, '--ledger', base.ledger, '--trust', base.trust];
  const check = (...rest: string[]) => ['check', ...inputs, ...rest];
  const out: Case[] = [];
  const add = (name: string, args: string[], expect: Expect, codes?: string[]) => {
    // An unknown --format is reported as text (there is no such format to report it in).
    const own = args.includes('--format');
    const c: Case = { name, kind: 'flags', args: own ? args : [...args, '--format', 'json'], expect, format: own ? 'text' : 'json' };
    if (codes) c.codes = codes;
    out.push(c);
    return c;
  };
  const req = ['--action', 'real-run', '--env', 'staging'];
  for (const at of ['yesterday', '2026-11-25T12:00:00', '2026-02-30T12:00:00Z', '2026-11-25T24:00:00Z', '2026-11-25T23:59:60Z',
    '2026-11-25T12:00:00+25:00', '1795132800000', '', '２０２６-11-25T12:00:00Z', '2026-11-25T12:00:00Z\n', 'x'.repeat(100_000)]) {
    add(`--at ${JSON.stringify(at.length > 40 ? `${at.slice(0, 10)}… (${at.length} chars)` : at)}`, check(...req, '--at', at), 'input', ['bad-time']);
  }
  add('--at given twice', check(...req, '--at', AT, '--at', '2026-11-26T12:00:00Z'), 'error', ['bad-time', 'usage']);
  for (const action of ['deploy', '__proto__', 'constructor', 'REAL-RUN', '123', 'a'.repeat(100_000)]) {
    add(`--action ${JSON.stringify(action.slice(0, 20))}`, check('--action', action, '--env', 'staging', '--at', AT), 'input', ['unknown-action']);
  }
  for (const env of ['prod', '__proto__', 'hasOwnProperty']) {
    add(`--env ${JSON.stringify(env)}`, check('--action', 'real-run', '--env', env, '--at', AT), 'input', ['unknown-environment']);
  }
  // A control character in a request is refused before the catalog is asked.
  add('--env "staging\\n"', check('--action', 'real-run', '--env', 'staging\n', '--at', AT), 'input', ['bad-request']);
  add('--action empty', check('--action', '', '--env', 'staging', '--at', AT), 'usage');
  add('--action missing', check('--env', 'staging', '--at', AT), 'usage');
  add('--env missing', check('--action', 'real-run', '--at', AT), 'usage');
  add('--action given twice', check('--action', 'real-run', '--action', 'apply', '--env', 'staging', '--at', AT), 'usage');
  add('--target empty', check(...req, '--at', AT, '--target', ''), 'input', ['bad-request']);
  add('--format unknown', check(...req, '--at', AT, '--format', 'yaml'), 'usage');
  add('an unknown flag', check(...req, '--at', AT, '--allow-all'), 'usage');
  add('--blockers missing', ['check', '--ledger', base.ledger, '--trust', base.trust, ...req, '--at', AT], 'usage');
  add('--blockers without a value', ['check', '--blockers', ...req, '--at', AT], 'usage');
  add('--blockers pattern matching nothing', ['check', '--blockers', join(base.dir, 'none', '*.json'), ...req, '--at', AT], 'input', ['map-none']);
  add('--ledger without --trust', ['check', '--blockers', base.map, '--ledger', base.ledger, ...req, '--at', AT], 'usage');
  // yargs would read a boolean flag's odd value as false; the CLI refuses it.
  add('--insecure-no-verify=maybe', check(...req, '--at', AT, '--insecure-no-verify=maybe'), 'usage');
  add('no command', ['--blockers', base.map], 'usage');
  add('an unknown command', ['allow', ...inputs, ...req], 'usage');
  add('ledger without a subcommand', ['ledger'], 'usage');
  add('what-if --revoke of an unknown grant', ['what-if', ...inputs, '--revoke', 'G-NOPE', '--at', AT], 'input', ['ledger-dangling-revoke']);
  add('what-if --revoke of a revoke', ['what-if', ...inputs, '--revoke', 'R-OPERATOR-CI-1', '--at', AT], 'input', ['ledger-dangling-revoke']);
  add('plan with a bad --at', ['plan', ...inputs, ...req, '--at', 'soon'], 'input', ['bad-time']);
  add('matrix with a bad --at', ['matrix', ...inputs, '--at', 'soon'], 'input', ['bad-time']);
  add('ledger verify without --trust', ['ledger', 'verify', '--ledger', base.ledger], 'usage');
  // The same flags in text format: errors on stderr, never a stack trace.
  for (const c of out.filter((x, i) => i % 8 === 0 && !x.args.includes('yaml'))) out.push({ ...c, name: `${c.name} (text)`, args: c.args.slice(0, -2), format: 'text' });
  return out;
}

/** Builds every case in `dir`. */
export function buildCorpus(dir: string): { base: Base; cases: Case[] } {
  const base = writeBase(dir);
  const cases: Case[] = [];
  const kinds: Exclude<Kind, 'flags'>[] = ['map', 'ledger', 'trust', 'catalog', 'add', 'entry'];
  let n = 0;
  for (const kind of kinds) {
    const text = readFileSync(base[kind]);
    const kindDir = join(dir, kind);
    mkdirSync(kindDir, { recursive: true });
    const specs = [...genericSpecs(kind, text, kindDir), ...schemaSpecs(kind, text)];
    // ledger append: only the entry file is broken; a few generic breakages suffice (same reader).
    // The core inputs (maps, ledger, trust) get every breakage; catalog, what-if --add and
    // ledger append --entry share the same reader, so a sample of the generic ones plus their own.
    const own = new Set(schemaSpecs(kind, text).map((s) => s.name));
    const sample = /empty file|truncated at half|top level is an array|byte 0xFF|lone surrogate|byte order mark|CRLF|NUL inside|duplicate key|1,000-deep array|"__proto__" member|number where|200 MB|a directory|missing file|8 MB/;
    const chosen = ['map', 'ledger', 'trust'].includes(kind) ? specs
      : specs.filter((s) => own.has(s.name) || (sample.test(s.name) && !(kind === 'entry' && /CRLF|8 MB/.test(s.name))));
    for (const spec of chosen) {
      n++;
      const ext = kind === 'ledger' || kind === 'add' ? 'jsonl' : 'json';
      let path = spec.path ?? join(kindDir, `case-${n}.${ext}`);
      if (spec.bytes) writeFileSync(path, spec.bytes);
      if (spec.make) { path = join(kindDir, `case-${n}.${ext}`); spec.make(path); }
      let ledgerCopy: string | undefined;
      if (kind === 'entry') {
        ledgerCopy = join(kindDir, `ledger-${n}.jsonl`);
        copyFileSync(base.ledger, ledgerCopy);
      }
      const format: Case['format'] = n % 3 === 0 && !spec.batch ? 'text' : 'json';
      const args = argsFor(kind, path, base, ledgerCopy);
      const c: Case = {
        name: `${kind}: ${spec.name}`, kind, args: format === 'json' ? [...args, '--format', 'json'] : args,
        expect: kind === 'entry' && spec.expect === 'input' ? 'input' : spec.expect,
        format,
      };
      if (spec.maxRssMb !== undefined) c.maxRssMb = spec.maxRssMb;
      if (!spec.noFile) c.file = path;
      if (kind === 'add' && spec.name === 'empty file') c.reference = 'what-if-without-add';
      if (spec.line && spec.expect === 'input' && kind !== 'entry') c.line = true;
      if (spec.codes) c.codes = spec.codes;
      if (spec.batch) c.batch = spec.batch;
      if (ledgerCopy) c.unchanged = ledgerCopy;
      cases.push(c);
    }
  }
  // A valid map just under the size limit: read and decided, with memory still bounded.
  const nearLimit = join(dir, 'map', 'near-limit.json');
  const fix7 = JSON.parse(readFileSync(base.map, 'utf8')) as { blockers: Record<string, unknown>[] };
  fix7.blockers[0]!.item = 'x'.repeat(60 * 1024 * 1024);
  writeFileSync(nearLimit, JSON.stringify(fix7));
  cases.push({ name: 'map: 60 MB map, just under the limit', kind: 'map', args: [...argsFor('map', nearLimit, base), '--format', 'json'], expect: 'harmless', file: nearLimit, format: 'json', maxRssMb: 1536 });
  // validate and ledger verify list problems too: a sample of broken files through them.
  const viaReports = cases.filter((c) => c.expect === 'input' && !c.batch && c.file !== undefined && ['map', 'trust', 'catalog', 'ledger'].includes(c.kind)).filter((_, i) => i % 16 === 0);
  for (const c of viaReports) {
    const path = c.file!;
    const args = c.kind === 'ledger'
      ? (n++ % 2 === 0 ? ['ledger', 'verify', '--ledger', path, '--trust', base.trust] : ['validate', '--blockers', base.map, '--ledger', path, '--trust', base.trust])
      : ['validate', '--blockers', c.kind === 'map' ? path : base.map, '--ledger', base.ledger, '--trust', c.kind === 'trust' ? path : base.trust,
        ...(c.kind === 'catalog' ? ['--catalog', path] : [])];
    cases.push({ ...c, name: `${c.name} (${args[0] === 'ledger' ? 'ledger verify' : 'validate'})`, args: [...args, '--format', 'json'], format: 'json' });
  }
  cases.push(...flagCases(base));
  return { base, cases };
}
