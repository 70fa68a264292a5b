// Every error code of SPEC, end to end through bin/blockgate: exit code, one JSON object on
// stdout with allowed:false and error.code, and a message that names the file and the line.
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  at, blockgate, expectError, jsonl, ownerGrant, operatorGrant, put, putLedger, revoke, SEED, signLedger, tempDir, TRUST,
  type Line,
} from './core-support.js';

const AT = '2026-11-25T12:00:00Z';
const dir = tempDir('errors');

/** `check` of apply@staging on the seed map (valid unless the test breaks something), JSON out. */
function check(extra: string[], request: string[] = ['--action', 'apply', '--env', 'staging']) {
  return blockgate(['check', '--blockers', SEED, ...request, '--at', AT, '--format', 'json', ...extra]);
}

const blocker = (id: string, more: Line = {}) => ({ id, actor_needed: 'owner', blocks: 'apply', ...more });

describe('map-none', () => {
  it('a pattern that matches no file', () => {
    const r = blockgate(['check', '--blockers', 'nowhere/**/*.json', '--action', 'apply', '--env', 'staging', '--format', 'json'], { cwd: dir });
    expectError(r, 'map-none', 3, 'nowhere/**/*.json');
    expect(r.json.denials).toBeUndefined();
  });

  it('a missing file given as a path', () => {
    expectError(check(['--blockers', `${dir}/no-such-map.json`]), 'map-none', 3, `${dir}/no-such-map.json`);
  });

  it('one repeated --blockers pattern matching nothing fails even when another matches', () => {
    const r = check(['--blockers', `${dir}/none-*.json`]);
    expectError(r, 'map-none', 3, `${dir}/none-*.json`);
  });
});

describe('map-parse', () => {
  it('a file that is not JSON names the file and the line', () => {
    const file = put(dir, 'parse/truncated.json', '{\n  "blockers": [\n    {"id": "B-1",\n');
    expectError(check(['--blockers', file]), 'map-parse', 3, at(file, 4));
  });

  it('a syntax error in the middle names its line', () => {
    const file = put(dir, 'parse/comma.json', '{\n  "blockers": [\n    {"id": "B-1", "actor_needed": "owner", "blocks": "apply"},\n  ],\n  "note": "x"\n}\n');
    expectError(check(['--blockers', file]), 'map-parse', 3, at(file, 4));
  });

  it('a duplicate key is refused, not silently last-wins', () => {
    const file = put(dir, 'parse/dup.json', '{\n  "blockers": [\n    {"id": "B-1", "actor_needed": "owner",\n     "blocks": "apply", "blocks": "nothing"}\n  ]\n}\n');
    expectError(check(['--blockers', file]), 'map-parse', 3, at(file, 4), 'duplicate key "blocks"');
  });

  it('an empty file', () => {
    const file = put(dir, 'parse/empty.json', '');
    expectError(check(['--blockers', file]), 'map-parse', 3, file);
  });

  it('a byte order mark is refused, not skipped', () => {
    const file = put(dir, 'parse/bom.json', `\ufeff${JSON.stringify({ blockers: [] })}\n`);
    expectError(check(['--blockers', file]), 'map-parse', 3, at(file, 1), /byte order mark/);
  });

  it('invalid UTF-8 names its line', () => {
    const file = put(dir, 'parse/latin1.json', '');
    // put() writes strings; invalid UTF-8 needs raw bytes.
    writeFileSync(file, Buffer.concat([Buffer.from('{\n  "blockers": [],\n  "note": "caf'), Buffer.from([0xe9]), Buffer.from('"\n}\n')]));
    expectError(check(['--blockers', file]), 'map-parse', 3, at(file, 3), /UTF-8/);
  });

  it('a lone surrogate escape is an input error with its line, not an internal failure', () => {
    const file = put(dir, 'parse/surrogate.json', '{\n  "blockers": [\n    {"id": "B-1", "actor_needed": "owner", "blocks": "apply",\n     "item": "\\ud800"}\n  ]\n}\n');
    expectError(check(['--blockers', file]), 'map-parse', 3, at(file, 4));
  });
});

describe('map-schema', () => {
  it('a blocker without actor_needed names the blocker\'s line', () => {
    const file = put(dir, 'schema/no-actor.json', '{\n  "blockers": [\n    {"id": "B-1", "actor_needed": "owner", "blocks": "apply"},\n    {"id": "B-2",\n     "blocks": "apply"}\n  ]\n}\n');
    expectError(check(['--blockers', file]), 'map-schema', 3, at(file, 4), 'actor_needed');
  });

  it('a wrongly typed field names the field\'s line', () => {
    const file = put(dir, 'schema/types.json', '{\n  "blockers": [\n    {"id": "B-1", "actor_needed": "owner",\n     "blocks": 7}\n  ]\n}\n');
    expectError(check(['--blockers', file]), 'map-schema', 3, at(file, 4), '/blockers/0/blocks');
  });

  it.each([
    ['no blockers array', { doc: 'x' }, 'blockers'],
    ['an empty id', { blockers: [blocker('')] }, '/blockers/0/id'],
    ['evidence_required not a boolean', { blockers: [blocker('B-1', { evidence_required: 'yes' })] }, 'evidence_required'],
    ['after not an array', { blockers: [blocker('B-1', { after: 'B-0' })] }, '/blockers/0/after'],
    ['resolved_in_this_macro not an array of ids', { resolved_in_this_macro: 'B-1', blockers: [] }, 'resolved_in_this_macro'],
    ['actor_needed a number', { blockers: [blocker('B-1', { actor_needed: 1 })] }, 'actor_needed'],
  ])('%s', (name, doc, mention) => {
    const file = put(dir, `schema/${name.replace(/\W+/g, '-')}.json`, doc);
    expectError(check(['--blockers', file]), 'map-schema', 3, file, mention);
  });

  it('a document that is not an object', () => {
    const file = put(dir, 'schema/array.json', '[\n  {"id": "B-1", "actor_needed": "owner", "blocks": "apply"}\n]\n');
    expectError(check(['--blockers', file]), 'map-schema', 3, at(file, 1));
  });
});

describe('map-conflict', () => {
  it('the same id in two maps with different objects names both files and lines', () => {
    const a = put(dir, 'conflict/a.json', '{\n  "blockers": [\n    {"id": "B-1", "actor_needed": "owner", "blocks": "apply"}\n  ]\n}\n');
    const b = put(dir, 'conflict/b.json', '{\n  "blockers": [\n    {"id": "B-0", "actor_needed": "owner", "blocks": "apply"},\n    {"id": "B-1", "actor_needed": "owner + operator", "blocks": "apply"}\n  ]\n}\n');
    const r = blockgate(['check', '--blockers', a, '--blockers', b, '--action', 'apply', '--env', 'staging', '--at', AT, '--format', 'json']);
    const message = expectError(r, 'map-conflict', 3, at(b, 4), 'B-1');
    expect(message).toContain(`${a} line 3`);
  });

  it('equal objects under one id are one blocker, not an error (key order and metadata aside)', () => {
    const a = put(dir, 'same/a.json', { doc: 'a', blockers: [{ id: 'B-1', actor_needed: 'owner', blocks: 'apply', item: 'x' }] });
    const b = put(dir, 'same/b.json', { doc: 'b', date: '2026-01-01', blockers: [{ item: 'x', blocks: 'apply', actor_needed: 'owner', id: 'B-1' }] });
    const r = blockgate(['check', '--blockers', `${dir}/same/*.json`, '--action', 'apply', '--env', 'staging', '--at', AT, '--format', 'json']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.json.denials.map((d: { blocker_id: string }) => d.blocker_id)).toEqual(['B-1']);
    expect([a, b]).toContain(r.json.denials[0].source);
  });

  it('the same id twice in one map', () => {
    const file = put(dir, 'conflict/twice.json', '{\n  "blockers": [\n    {"id": "B-1", "actor_needed": "owner", "blocks": "apply"},\n    {"id": "B-1", "actor_needed": "owner", "blocks": "apply"}\n  ]\n}\n');
    expectError(check(['--blockers', file]), 'map-conflict', 3, at(file, 4), 'B-1');
  });
});

describe('trust-parse and trust-schema', () => {
  const ledger = putLedger(dir, [ownerGrant('G-1')], 'trust/grants.jsonl');

  it('trust-parse: a trust file that is not JSON', () => {
    const file = put(dir, 'trust/broken.json', '{\n  "keys": [\n');
    expectError(check(['--ledger', ledger, '--trust', file]), 'trust-parse', 3, at(file, 3));
  });

  it('trust-parse: a trust file that does not exist', () => {
    expectError(check(['--ledger', ledger, '--trust', `${dir}/trust/missing.json`]), 'trust-parse', 3, `${dir}/trust/missing.json`);
  });

  it('trust-schema: a key without public_key names the key\'s line', () => {
    const file = put(dir, 'trust/no-pem.json', '{\n  "keys": [\n    {"id": "owner-1",\n     "role": "owner"}\n  ]\n}\n');
    expectError(check(['--ledger', ledger, '--trust', file]), 'trust-schema', 3, at(file, 3), 'public_key');
  });

  it('trust-schema: an unknown field', () => {
    const file = put(dir, 'trust/extra.json', '{\n  "keys": [],\n  "owner": "me"\n}\n');
    expectError(check(['--ledger', ledger, '--trust', file]), 'trust-schema', 3, file, '"owner"');
  });

  it('trust-schema: a public key that is not an SPKI PEM names its line', () => {
    const file = put(dir, 'trust/not-pem.json', '{\n  "keys": [\n    {"id": "owner-1", "role": "owner",\n     "public_key": "ssh-ed25519 AAAA"}\n  ]\n}\n');
    expectError(check(['--ledger', ledger, '--trust', file]), 'trust-schema', 3, at(file, 4));
  });

  it('trust-schema: the same key id twice', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\\nMCowBQYDK2VwAyEAGTGweJGjPH2u2N4HmAop4hwLFaNYekHvjAUof9oLGBE=\\n-----END PUBLIC KEY-----\\n';
    const file = put(dir, 'trust/twice.json', `{\n  "keys": [\n    {"id": "k", "role": "owner", "public_key": "${pem}"},\n    {"id": "k", "role": "operator", "public_key": "${pem}"}\n  ]\n}\n`);
    expectError(check(['--ledger', ledger, '--trust', file]), 'trust-schema', 3, at(file, 4), '"k"');
  });
});

describe('catalog-parse and catalog-schema', () => {
  it('catalog-parse', () => {
    const file = put(dir, 'catalog/broken.json', '{\n  "actions": {"apply": {"tags": ["apply"]}},\n  "environments": \n');
    expectError(check(['--catalog', file]), 'catalog-parse', 3, at(file, 4));
  });

  it('catalog-parse: a catalog that does not exist', () => {
    expectError(check(['--catalog', `${dir}/catalog/missing.json`]), 'catalog-parse', 3, `${dir}/catalog/missing.json`);
  });

  it('catalog-schema: tags not an array names the line', () => {
    const file = put(dir, 'catalog/tags.json', '{\n  "actions": {"apply": {"tags": ["apply"]}},\n  "environments": {\n    "staging": {"tags": "staging"}\n  }\n}\n');
    expectError(check(['--catalog', file]), 'catalog-schema', 3, at(file, 4), '/environments/staging/tags');
  });

  it('catalog-schema: environments missing', () => {
    const file = put(dir, 'catalog/no-env.json', '{\n  "actions": {"apply": {"tags": ["apply"]}}\n}\n');
    expectError(check(['--catalog', file]), 'catalog-schema', 3, at(file, 1), 'environments');
  });

  it('catalog-schema: an unknown field on an action', () => {
    const file = put(dir, 'catalog/extra.json', '{\n  "actions": {\n    "apply": {"tags": ["apply"], "tag": "x"}\n  },\n  "environments": {"staging": {"tags": []}}\n}\n');
    expectError(check(['--catalog', file]), 'catalog-schema', 3, at(file, 3), '"tag"');
  });
});

describe('ledger-schema (the whole ledger is rejected, nothing decided)', () => {
  const good = signLedger([ownerGrant('G-1'), ownerGrant('G-2')]);

  function ledgerError(name: string, text: string, line: number, ...mentions: (string | RegExp)[]): void {
    const file = put(dir, `ledger-schema/${name}.jsonl`, text);
    const r = check(['--ledger', file, '--trust', TRUST]);
    expectError(r, 'ledger-schema', 3, at(file, line), ...mentions);
    expect(r.json.denials).toBeUndefined();
  }

  it('an unknown field such as expire_at never makes a grant eternal', () => {
    const lines = signLedger([ownerGrant('G-1'), ownerGrant('G-2', { expire_at: '2026-11-21T00:00:00Z' })]);
    ledgerError('expire-at', jsonl(lines), 2, 'expire_at');
  });

  it('a line that is not a JSON object', () => {
    ledgerError('array', jsonl([good[0]!, '["G-2"]']), 2, /not a JSON object/);
  });

  it('a line that is not JSON', () => {
    ledgerError('not-json', jsonl([good[0]!, '{"seq": 2,']), 2);
  });

  it('a blank line', () => {
    ledgerError('blank', jsonl([good[0]!, '', good[1]!]), 2, /blank/);
  });

  it('a blank last line', () => {
    ledgerError('blank-last', `${jsonl(good)}\n`, 3, /blank/);
  });

  it('CRLF line ends', () => {
    ledgerError('crlf', jsonl(good).replace(/\n/g, '\r\n'), 1, /CR/);
  });

  it('a missing final newline', () => {
    ledgerError('no-final-newline', jsonl(good).slice(0, -1), 2, /newline/);
  });

  it('a grant without resolves', () => {
    const { resolves: _, ...noResolves } = ownerGrant('G-2');
    ledgerError('no-resolves', jsonl(signLedger([ownerGrant('G-1'), noResolves as typeof good[0] & { key: string }])), 2, 'resolves');
  });

  it('a grant with a revoke field', () => {
    ledgerError('grant-revokes', jsonl(signLedger([ownerGrant('G-1'), ownerGrant('G-2', { revokes: 'G-1' })])), 2, 'revokes');
  });

  it('an unknown type', () => {
    ledgerError('type', jsonl(signLedger([ownerGrant('G-1'), ownerGrant('G-2', { type: 'permit' })])), 2, 'type');
  });

  it('a signature that is not padded standard base64', () => {
    const lines = signLedger([ownerGrant('G-1')]);
    ledgerError('sig', jsonl([{ ...lines[0], sig: 'not-base64' }]), 1, 'sig');
  });

  it('evidence with a digest that is not 64 lower-case hex', () => {
    const evidence = [{ uri: 'https://ci.example/1', sha256: 'A'.repeat(64) }];
    ledgerError('evidence', jsonl(signLedger([ownerGrant('G-1', { evidence })])), 1, 'sha256');
  });

  it('a missing ledger file', () => {
    const r = check(['--ledger', `${dir}/ledger-schema/missing.jsonl`, '--trust', TRUST]);
    expectError(r, 'ledger-schema', 3, `${dir}/ledger-schema/missing.jsonl`);
  });
});

describe('ledger integrity', () => {
  function integrityError(name: string, lines: (Line | string)[], code: string, line: number, ...mentions: (string | RegExp)[]): void {
    const file = put(dir, `integrity/${name}.jsonl`, jsonl(lines));
    const r = check(['--ledger', file, '--trust', TRUST]);
    expectError(r, code, 3, at(file, line), ...mentions);
    expect(r.json.denials).toBeUndefined();
  }

  it('ledger-sequence: a skipped seq', () => {
    const lines = signLedger([ownerGrant('G-1'), { ...ownerGrant('G-2'), seq: 3 }]);
    integrityError('skip', lines, 'ledger-sequence', 2, /seq/);
  });

  it('ledger-sequence: a first entry that is not seq 1', () => {
    integrityError('first', signLedger([{ ...ownerGrant('G-1'), seq: 2 }]), 'ledger-sequence', 1, /seq/);
  });

  it('ledger-chain: prev that does not match the previous entry', () => {
    const lines = signLedger([ownerGrant('G-1'), { ...ownerGrant('G-2'), prev: 'a'.repeat(64) }]);
    integrityError('prev', lines, 'ledger-chain', 2, /prev/);
  });

  it('ledger-chain: a first entry whose prev is not 64 zeros', () => {
    integrityError('genesis', signLedger([{ ...ownerGrant('G-1'), prev: 'b'.repeat(64) }]), 'ledger-chain', 1, /prev/);
  });

  it('ledger-duplicate-id', () => {
    integrityError('dup', signLedger([ownerGrant('G-1'), operatorGrant('G-1')]), 'ledger-duplicate-id', 2, 'G-1');
  });

  it('ledger-duplicate-id: a revoke reusing a grant id', () => {
    integrityError('dup-revoke', signLedger([ownerGrant('G-1'), revoke('G-1', 'G-1', 'owner')]), 'ledger-duplicate-id', 2, 'G-1');
  });

  it('ledger-dangling-revoke: a revoke of an id no line grants', () => {
    integrityError('dangling', signLedger([ownerGrant('G-1'), revoke('R-1', 'G-9', 'owner')]), 'ledger-dangling-revoke', 2, 'G-9');
  });

  it('ledger-dangling-revoke: a revoke of a grant on a later line', () => {
    integrityError('forward', signLedger([revoke('R-1', 'G-1', 'owner'), ownerGrant('G-1')]), 'ledger-dangling-revoke', 1, 'G-1');
  });

  it('ledger-dangling-revoke: a revoke of a revoke', () => {
    const lines = signLedger([ownerGrant('G-1'), revoke('R-1', 'G-1', 'owner'), revoke('R-2', 'R-1', 'owner')]);
    integrityError('revoke-revoke', lines, 'ledger-dangling-revoke', 3, 'R-1');
  });

  it('every problem is listed, the first is the error', () => {
    const lines = signLedger([ownerGrant('G-1'), ownerGrant('G-1'), revoke('R-1', 'G-9', 'owner')]);
    const file = put(dir, 'integrity/several.jsonl', jsonl(lines));
    const r = check(['--ledger', file, '--trust', TRUST]);
    expectError(r, 'ledger-duplicate-id', 3, at(file, 2));
    expect(r.json.error.problems.map((p: { code: string }) => p.code)).toEqual(['ledger-duplicate-id', 'ledger-dangling-revoke']);
  });
});

describe('bad-time', () => {
  it.each([
    ['a date without a time', '2026-11-25'],
    ['no time zone', '2026-11-25T12:00:00'],
    ['a leap second', '2026-12-31T23:59:60Z'],
    ['30 February', '2026-02-30T12:00:00Z'],
    ['a space instead of T', '2026-11-25 12:00:00Z'],
    ['words', 'tomorrow'],
  ])('--at with %s', (_, value) => {
    const r = blockgate(['check', '--blockers', SEED, '--action', 'apply', '--env', 'staging', '--at', value, '--format', 'json']);
    expectError(r, 'bad-time', 3, '--at', value);
  });

  it.each([
    ['issued_at', '2026-11-20T10:00:00'],
    ['issued_at', '2026-11-31T10:00:00Z'],
    ['expires_at', '2026-11-21T25:00:00Z'],
  ])('%s %s in the ledger names the file and line', (field, value) => {
    const file = put(dir, `time/${field}-${value.replace(/\W/g, '')}.jsonl`, jsonl(signLedger([ownerGrant('G-1'), ownerGrant('G-2', { [field]: value })])));
    expectError(check(['--ledger', file, '--trust', TRUST]), 'bad-time', 3, at(file, 2), field);
  });

  it('a revoke\'s issued_at', () => {
    const file = put(dir, 'time/revoke.jsonl', jsonl(signLedger([ownerGrant('G-1'), revoke('R-1', 'G-1', 'owner', { issued_at: 'now' })])));
    expectError(check(['--ledger', file, '--trust', TRUST]), 'bad-time', 3, at(file, 2), 'issued_at');
  });
});

describe('unknown-action and unknown-environment', () => {
  it('unknown-action lists the known actions', () => {
    const r = check([], ['--action', 'deploy', '--env', 'production']);
    expectError(r, 'unknown-action', 3, 'deploy', 'activation, apply, ci-enforcement, cutover, permit, real-run, repoint');
  });

  it('unknown-environment lists the known environments', () => {
    const r = check([], ['--action', 'apply', '--env', 'prod']);
    expectError(r, 'unknown-environment', 3, 'prod', 'development, production, staging');
  });

  it('a --catalog replaces the defaults: its names are the known ones', () => {
    const catalog = put(dir, 'catalog/small.json', { actions: { deploy: { tags: ['apply'] } }, environments: { live: { tags: ['production'] } } });
    const r = check(['--catalog', catalog], ['--action', 'apply', '--env', 'live']);
    expectError(r, 'unknown-action', 3, 'apply', 'deploy');
    const env = check(['--catalog', catalog], ['--action', 'deploy', '--env', 'production']);
    expectError(env, 'unknown-environment', 3, 'production', 'live');
  });

  it('with --catalog, the message names the catalog file', () => {
    const catalog = put(dir, 'catalog/named.json', { actions: { deploy: { tags: ['apply'] } }, environments: { live: { tags: [] } } });
    expectError(check(['--catalog', catalog], ['--action', 'apply', '--env', 'live']), 'unknown-action', 3, catalog);
  });

  it('an empty --target is an invalid request (exit 3), not "no target"', () => {
    const r = check(['--target', '']);
    expect(r.code).toBe(3);
    expect(r.json.allowed).toBe(false);
    expect(r.json.error.message).toContain('target');
  });

  it('action and environment names are exact (no case folding)', () => {
    expectError(check([], ['--action', 'Apply', '--env', 'staging']), 'unknown-action', 3, 'Apply');
  });
});

describe('usage errors (exit 1)', () => {
  it.each([
    ['--blockers', ['check', '--action', 'apply', '--env', 'staging']],
    ['--action', ['check', '--blockers', SEED, '--env', 'staging']],
    ['--env', ['check', '--blockers', SEED, '--action', 'apply']],
    ['--blockers', ['validate']],
    ['--blockers', ['matrix']],
    ['--trust', ['ledger', 'verify', '--ledger', `${dir}/x.jsonl`]],
    ['--ledger', ['ledger', 'verify', '--trust', TRUST]],
  ])('a missing %s', (flag, args) => {
    expectError(blockgate([...args, '--format', 'json']), 'usage', 1, flag.slice(2));
  });

  it('a single-valued flag given twice is a usage error naming the flag', () => {
    const ledger = putLedger(dir, [ownerGrant('G-1')], 'usage/twice.jsonl');
    expectError(check(['--ledger', ledger, '--ledger', ledger, '--trust', TRUST]), 'usage', 1, '--ledger');
    expectError(check(['--at', '2026-11-25T12:00:00Z']), 'usage', 1, '--at');
  });

  it('an unknown flag', () => {
    expectError(check(['--bogus-flag']), 'usage', 1, 'bogus-flag');
  });

  it('an unknown command', () => {
    expectError(blockgate(['deploy-now', '--format', 'json']), 'usage', 1, 'deploy-now');
  });

  it('no command', () => {
    expectError(blockgate(['--format', 'json']), 'usage', 1);
  });

  it('an unknown ledger subcommand', () => {
    expectError(blockgate(['ledger', 'sign', '--format', 'json']), 'usage', 1);
  });

  it('an unknown --format: exit 1, a text error naming it on stderr, nothing on stdout', () => {
    const r = blockgate(['check', '--blockers', SEED, '--action', 'apply', '--env', 'staging', '--format', 'yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('yaml');
    expect(r.stderr).toMatch(/usage/);
  });

  it('--trust missing while the ledger has entries names the ledger', () => {
    const file = putLedger(dir, [ownerGrant('G-1')], 'usage/grants.jsonl');
    expectError(check(['--ledger', file]), 'usage', 1, file, '--trust');
  });

  it('--trust may be left out for an empty ledger', () => {
    const file = put(dir, 'usage/empty.jsonl', '');
    const r = check(['--ledger', file], ['--action', 'apply', '--env', 'staging']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.json.denials.map((d: { blocker_id: string }) => d.blocker_id)).toEqual(['FIX7-P0-PLAN-SEPARATE-AUTH-1']);
  });

  it('text errors go to stderr, in text, with the code', () => {
    const r = blockgate(['check', '--blockers', `${dir}/nothing-here.json`, '--action', 'apply', '--env', 'staging']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('map-none');
    expect(r.stderr).toContain(`${dir}/nothing-here.json`);
  });
});

describe('errors of the other commands keep the same contract', () => {
  const broken = put(dir, 'others/broken.json', '{\n');

  it.each([
    ['plan', ['plan', '--action', 'apply', '--env', 'staging']],
    ['matrix', ['matrix']],
    ['what-if', ['what-if']],
  ])('%s with a broken map', (_, args) => {
    expectError(blockgate([...args, '--blockers', broken, '--format', 'json']), 'map-parse', 3, at(broken, 2));
  });

  it('plan with an unknown environment', () => {
    expectError(blockgate(['plan', '--blockers', SEED, '--action', 'apply', '--env', 'moon', '--format', 'json']), 'unknown-environment', 3, 'moon');
  });

  it('matrix with a bad --at', () => {
    expectError(blockgate(['matrix', '--blockers', SEED, '--at', 'noon', '--format', 'json']), 'bad-time', 3, 'noon');
  });

  it('what-if --add with an unknown field names the --add file and line', () => {
    const add = put(dir, 'others/add.jsonl', jsonl([
      { id: 'H-1', type: 'grant', role: 'owner', issued_at: AT, action: 'apply', environment: 'staging', resolves: ['X'] },
      { id: 'H-2', type: 'grant', role: 'owner', issued_at: AT, action: 'apply', environment: 'staging', resolves: ['X'], expire_at: AT },
    ]));
    expectError(blockgate(['what-if', '--blockers', SEED, '--add', add, '--format', 'json']), 'ledger-schema', 3, at(add, 2), 'expire_at');
  });

  it('what-if --revoke of an unknown grant', () => {
    expectError(blockgate(['what-if', '--blockers', SEED, '--revoke', 'G-NOPE', '--format', 'json']), 'ledger-dangling-revoke', 3, 'G-NOPE');
  });
});
