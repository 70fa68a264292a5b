// Every error code of SPEC, end to end through bin/blockgate: exit code, one JSON object on
// stdout with allowed:false and error.code, and a message that names the file and the line.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  at, blockgate, expectError, FIX7, jsonl, keyFile, ownerGrant, operatorGrant, put, putLedger, revoke, SEED, signLedger, tempDir, TRUST,
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
  it('a pattern that matches no file', async () => {
    const r = await blockgate(['check', '--blockers', 'nowhere/**/*.json', '--action', 'apply', '--env', 'staging', '--format', 'json'], { cwd: dir });
    expectError(r, 'map-none', 3, 'nowhere/**/*.json');
    expect(r.json.denials).toBeUndefined();
  });

  it('a missing file given as a path', async () => {
    expectError(await check(['--blockers', `${dir}/no-such-map.json`]), 'map-none', 3, `${dir}/no-such-map.json`);
  });

  it('one repeated --blockers pattern matching nothing fails even when another matches', async () => {
    const r = await check(['--blockers', `${dir}/none-*.json`]);
    expectError(r, 'map-none', 3, `${dir}/none-*.json`);
  });
});

describe('map-parse', () => {
  it('a file that is not JSON names the file and the line', async () => {
    const file = put(dir, 'parse/truncated.json', '{\n  "blockers": [\n    {"id": "B-1",\n');
    expectError(await check(['--blockers', file]), 'map-parse', 3, at(file, 4));
  });

  it('a syntax error in the middle names its line', async () => {
    const file = put(dir, 'parse/comma.json', '{\n  "blockers": [\n    {"id": "B-1", "actor_needed": "owner", "blocks": "apply"},\n  ],\n  "note": "x"\n}\n');
    expectError(await check(['--blockers', file]), 'map-parse', 3, at(file, 4));
  });

  it('a duplicate key is refused, not silently last-wins', async () => {
    const file = put(dir, 'parse/dup.json', '{\n  "blockers": [\n    {"id": "B-1", "actor_needed": "owner",\n     "blocks": "apply", "blocks": "nothing"}\n  ]\n}\n');
    expectError(await check(['--blockers', file]), 'map-parse', 3, at(file, 4), 'duplicate key "blocks"');
  });

  it('an empty file', async () => {
    const file = put(dir, 'parse/empty.json', '');
    expectError(await check(['--blockers', file]), 'map-parse', 3, file);
  });

  it('a byte order mark is refused, not skipped', async () => {
    const file = put(dir, 'parse/bom.json', `\ufeff${JSON.stringify({ blockers: [] })}\n`);
    expectError(await check(['--blockers', file]), 'map-parse', 3, at(file, 1), /byte order mark/);
  });

  it('invalid UTF-8 names its line', async () => {
    const file = put(dir, 'parse/latin1.json', '');
    // put() writes strings; invalid UTF-8 needs raw bytes.
    writeFileSync(file, Buffer.concat([Buffer.from('{\n  "blockers": [],\n  "note": "caf'), Buffer.from([0xe9]), Buffer.from('"\n}\n')]));
    expectError(await check(['--blockers', file]), 'map-parse', 3, at(file, 3), /UTF-8/);
  });

  it('a lone surrogate escape is an input error with its line, not an internal failure', async () => {
    const file = put(dir, 'parse/surrogate.json', '{\n  "blockers": [\n    {"id": "B-1", "actor_needed": "owner", "blocks": "apply",\n     "item": "\\ud800"}\n  ]\n}\n');
    expectError(await check(['--blockers', file]), 'map-parse', 3, at(file, 4));
  });
});

describe('map-schema', () => {
  it('a blocker without actor_needed names the blocker\'s line', async () => {
    const file = put(dir, 'schema/no-actor.json', '{\n  "blockers": [\n    {"id": "B-1", "actor_needed": "owner", "blocks": "apply"},\n    {"id": "B-2",\n     "blocks": "apply"}\n  ]\n}\n');
    expectError(await check(['--blockers', file]), 'map-schema', 3, at(file, 4), 'actor_needed');
  });

  it('a wrongly typed field names the field\'s line', async () => {
    const file = put(dir, 'schema/types.json', '{\n  "blockers": [\n    {"id": "B-1", "actor_needed": "owner",\n     "blocks": 7}\n  ]\n}\n');
    expectError(await check(['--blockers', file]), 'map-schema', 3, at(file, 4), '/blockers/0/blocks');
  });

  it.each([
    ['no blockers array', { doc: 'x' }, 'blockers'],
    ['an empty id', { blockers: [blocker('')] }, '/blockers/0/id'],
    ['evidence_required not a boolean', { blockers: [blocker('B-1', { evidence_required: 'yes' })] }, 'evidence_required'],
    ['after not an array', { blockers: [blocker('B-1', { after: 'B-0' })] }, '/blockers/0/after'],
    ['resolved_in_this_macro not an array of ids', { resolved_in_this_macro: 'B-1', blockers: [] }, 'resolved_in_this_macro'],
    ['actor_needed a number', { blockers: [blocker('B-1', { actor_needed: 1 })] }, 'actor_needed'],
  ])('%s', async (name, doc, mention) => {
    const file = put(dir, `schema/${name.replace(/\W+/g, '-')}.json`, doc);
    expectError(await check(['--blockers', file]), 'map-schema', 3, file, mention);
  });

  it('a document that is not an object', async () => {
    const file = put(dir, 'schema/array.json', '[\n  {"id": "B-1", "actor_needed": "owner", "blocks": "apply"}\n]\n');
    expectError(await check(['--blockers', file]), 'map-schema', 3, at(file, 1));
  });
});

describe('map-conflict', () => {
  it('the same id in two maps with different objects names both files and lines', async () => {
    const a = put(dir, 'conflict/a.json', '{\n  "blockers": [\n    {"id": "B-1", "actor_needed": "owner", "blocks": "apply"}\n  ]\n}\n');
    const b = put(dir, 'conflict/b.json', '{\n  "blockers": [\n    {"id": "B-0", "actor_needed": "owner", "blocks": "apply"},\n    {"id": "B-1", "actor_needed": "owner + operator", "blocks": "apply"}\n  ]\n}\n');
    const r = await blockgate(['check', '--blockers', a, '--blockers', b, '--action', 'apply', '--env', 'staging', '--at', AT, '--format', 'json']);
    const message = expectError(r, 'map-conflict', 3, at(b, 4), 'B-1');
    expect(message).toContain(`${a} line 3`);
  });

  it('equal objects under one id are one blocker, not an error (key order and metadata aside)', async () => {
    const a = put(dir, 'same/a.json', { doc: 'a', blockers: [{ id: 'B-1', actor_needed: 'owner', blocks: 'apply', item: 'x' }] });
    const b = put(dir, 'same/b.json', { doc: 'b', date: '2026-01-01', blockers: [{ item: 'x', blocks: 'apply', actor_needed: 'owner', id: 'B-1' }] });
    const r = await blockgate(['check', '--blockers', `${dir}/same/*.json`, '--action', 'apply', '--env', 'staging', '--at', AT, '--format', 'json']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.json.denials.map((d: { blocker_id: string }) => d.blocker_id)).toEqual(['B-1']);
    expect([a, b]).toContain(r.json.denials[0].source);
  });

  it('the same id twice in one map', async () => {
    const file = put(dir, 'conflict/twice.json', '{\n  "blockers": [\n    {"id": "B-1", "actor_needed": "owner", "blocks": "apply"},\n    {"id": "B-1", "actor_needed": "owner", "blocks": "apply"}\n  ]\n}\n');
    expectError(await check(['--blockers', file]), 'map-conflict', 3, at(file, 4), 'B-1');
  });
});

describe('trust-parse and trust-schema', () => {
  const ledger = putLedger(dir, [ownerGrant('G-1')], 'trust/grants.jsonl');

  it('trust-parse: a trust file that is not JSON', async () => {
    const file = put(dir, 'trust/broken.json', '{\n  "keys": [\n');
    expectError(await check(['--ledger', ledger, '--trust', file]), 'trust-parse', 3, at(file, 3));
  });

  it('trust-parse: a trust file that does not exist', async () => {
    expectError(await check(['--ledger', ledger, '--trust', `${dir}/trust/missing.json`]), 'trust-parse', 3, `${dir}/trust/missing.json`);
  });

  it('trust-schema: a key without public_key names the key\'s line', async () => {
    const file = put(dir, 'trust/no-pem.json', '{\n  "keys": [\n    {"id": "owner-1",\n     "role": "owner"}\n  ]\n}\n');
    expectError(await check(['--ledger', ledger, '--trust', file]), 'trust-schema', 3, at(file, 3), 'public_key');
  });

  it('trust-schema: an unknown field', async () => {
    const file = put(dir, 'trust/extra.json', '{\n  "keys": [],\n  "owner": "me"\n}\n');
    expectError(await check(['--ledger', ledger, '--trust', file]), 'trust-schema', 3, file, '"owner"');
  });

  it('trust-schema: a public key that is not an SPKI PEM names its line', async () => {
    const file = put(dir, 'trust/not-pem.json', '{\n  "keys": [\n    {"id": "owner-1", "role": "owner",\n     "public_key": "ssh-ed25519 AAAA"}\n  ]\n}\n');
    expectError(await check(['--ledger', ledger, '--trust', file]), 'trust-schema', 3, at(file, 4));
  });

  it('trust-schema: the same key id twice', async () => {
    const pem = '-----BEGIN PUBLIC KEY-----\\nMCowBQYDK2VwAyEAGTGweJGjPH2u2N4HmAop4hwLFaNYekHvjAUof9oLGBE=\\n-----END PUBLIC KEY-----\\n';
    const file = put(dir, 'trust/twice.json', `{\n  "keys": [\n    {"id": "k", "role": "owner", "public_key": "${pem}"},\n    {"id": "k", "role": "operator", "public_key": "${pem}"}\n  ]\n}\n`);
    expectError(await check(['--ledger', ledger, '--trust', file]), 'trust-schema', 3, at(file, 4), '"k"');
  });
});

describe('catalog-parse and catalog-schema', () => {
  it('catalog-parse', async () => {
    const file = put(dir, 'catalog/broken.json', '{\n  "actions": {"apply": {"tags": ["apply"]}},\n  "environments": \n');
    expectError(await check(['--catalog', file]), 'catalog-parse', 3, at(file, 4));
  });

  it('catalog-parse: a catalog that does not exist', async () => {
    expectError(await check(['--catalog', `${dir}/catalog/missing.json`]), 'catalog-parse', 3, `${dir}/catalog/missing.json`);
  });

  it('catalog-schema: tags not an array names the line', async () => {
    const file = put(dir, 'catalog/tags.json', '{\n  "actions": {"apply": {"tags": ["apply"]}},\n  "environments": {\n    "staging": {"tags": "staging"}\n  }\n}\n');
    expectError(await check(['--catalog', file]), 'catalog-schema', 3, at(file, 4), '/environments/staging/tags');
  });

  it('catalog-schema: environments missing', async () => {
    const file = put(dir, 'catalog/no-env.json', '{\n  "actions": {"apply": {"tags": ["apply"]}}\n}\n');
    expectError(await check(['--catalog', file]), 'catalog-schema', 3, at(file, 1), 'environments');
  });

  it('catalog-schema: an unknown field on an action', async () => {
    const file = put(dir, 'catalog/extra.json', '{\n  "actions": {\n    "apply": {"tags": ["apply"], "tag": "x"}\n  },\n  "environments": {"staging": {"tags": []}}\n}\n');
    expectError(await check(['--catalog', file]), 'catalog-schema', 3, at(file, 3), '"tag"');
  });
});

describe('ledger-schema (the whole ledger is rejected, nothing decided)', () => {
  const good = signLedger([ownerGrant('G-1'), ownerGrant('G-2')]);

  async function ledgerError(name: string, text: string, line: number, ...mentions: (string | RegExp)[]): Promise<void> {
    const file = put(dir, `ledger-schema/${name}.jsonl`, text);
    const r = await check(['--ledger', file, '--trust', TRUST]);
    expectError(r, 'ledger-schema', 3, at(file, line), ...mentions);
    expect(r.json.denials).toBeUndefined();
  }

  it('a line that is not a JSON object', async () => {
    await ledgerError('array', jsonl([good[0]!, '["G-2"]']), 2, /not a JSON object/);
  });

  it('a line that is not JSON', async () => {
    await ledgerError('not-json', jsonl([good[0]!, '{"seq": 2,']), 2);
  });

  it('a blank line', async () => {
    await ledgerError('blank', jsonl([good[0]!, '', good[1]!]), 2, /blank/);
  });

  it('a blank last line', async () => {
    await ledgerError('blank-last', `${jsonl(good)}\n`, 3, /blank/);
  });

  it('CRLF line ends', async () => {
    await ledgerError('crlf', jsonl(good).replace(/\n/g, '\r\n'), 1, /CR/);
  });

  it('a missing final newline', async () => {
    await ledgerError('no-final-newline', jsonl(good).slice(0, -1), 2, /newline/);
  });

  it('a grant without resolves', async () => {
    const { resolves: _, ...noResolves } = ownerGrant('G-2');
    await ledgerError('no-resolves', jsonl(signLedger([ownerGrant('G-1'), noResolves as typeof good[0] & { key: string }])), 2, 'resolves');
  });

  it('a grant with a revoke field', async () => {
    await ledgerError('grant-revokes', jsonl(signLedger([ownerGrant('G-1'), ownerGrant('G-2', { revokes: 'G-1' })])), 2, 'revokes');
  });

  it('an unknown type', async () => {
    await ledgerError('type', jsonl(signLedger([ownerGrant('G-1'), ownerGrant('G-2', { type: 'permit' })])), 2, 'type');
  });

  it('a signature that is not padded standard base64', async () => {
    const lines = signLedger([ownerGrant('G-1')]);
    await ledgerError('sig', jsonl([{ ...lines[0], sig: 'not-base64' }]), 1, 'sig');
  });

  it('evidence with a digest that is not 64 lower-case hex', async () => {
    const evidence = [{ uri: 'https://ci.example/1', sha256: 'A'.repeat(64) }];
    await ledgerError('evidence', jsonl(signLedger([ownerGrant('G-1', { evidence })])), 1, 'sha256');
  });

  it('a missing ledger file', async () => {
    const r = await check(['--ledger', `${dir}/ledger-schema/missing.jsonl`, '--trust', TRUST]);
    expectError(r, 'ledger-schema', 3, `${dir}/ledger-schema/missing.jsonl`);
  });
});

describe('ledger integrity', () => {
  async function integrityError(name: string, lines: (Line | string)[], code: string, line: number, ...mentions: (string | RegExp)[]): Promise<void> {
    const file = put(dir, `integrity/${name}.jsonl`, jsonl(lines));
    const r = await check(['--ledger', file, '--trust', TRUST]);
    expectError(r, code, 3, at(file, line), ...mentions);
    expect(r.json.denials).toBeUndefined();
  }

  it('ledger-sequence: a skipped seq', async () => {
    const lines = signLedger([ownerGrant('G-1'), { ...ownerGrant('G-2'), seq: 3 }]);
    await integrityError('skip', lines, 'ledger-sequence', 2, /seq/);
  });

  it('ledger-sequence: a first entry that is not seq 1', async () => {
    await integrityError('first', signLedger([{ ...ownerGrant('G-1'), seq: 2 }]), 'ledger-sequence', 1, /seq/);
  });

  it('ledger-chain: prev that does not match the previous entry', async () => {
    const lines = signLedger([ownerGrant('G-1'), { ...ownerGrant('G-2'), prev: 'a'.repeat(64) }]);
    await integrityError('prev', lines, 'ledger-chain', 2, /prev/);
  });

  it('ledger-chain: a first entry whose prev is not 64 zeros', async () => {
    await integrityError('genesis', signLedger([{ ...ownerGrant('G-1'), prev: 'b'.repeat(64) }]), 'ledger-chain', 1, /prev/);
  });

  it('ledger-duplicate-id', async () => {
    await integrityError('dup', signLedger([ownerGrant('G-1'), operatorGrant('G-1')]), 'ledger-duplicate-id', 2, 'G-1');
  });

  it('ledger-duplicate-id: a revoke reusing a grant id', async () => {
    await integrityError('dup-revoke', signLedger([ownerGrant('G-1'), revoke('G-1', 'G-1', 'owner')]), 'ledger-duplicate-id', 2, 'G-1');
  });

  it('ledger-dangling-revoke: a revoke of an id no line grants', async () => {
    await integrityError('dangling', signLedger([ownerGrant('G-1'), revoke('R-1', 'G-9', 'owner')]), 'ledger-dangling-revoke', 2, 'G-9');
  });

  it('ledger-dangling-revoke: a revoke of a grant on a later line', async () => {
    await integrityError('forward', signLedger([revoke('R-1', 'G-1', 'owner'), ownerGrant('G-1')]), 'ledger-dangling-revoke', 1, 'G-1');
  });

  it('ledger-dangling-revoke: a revoke of a revoke', async () => {
    const lines = signLedger([ownerGrant('G-1'), revoke('R-1', 'G-1', 'owner'), revoke('R-2', 'R-1', 'owner')]);
    await integrityError('revoke-revoke', lines, 'ledger-dangling-revoke', 3, 'R-1');
  });

  it('every problem is listed, the first is the error', async () => {
    const lines = signLedger([ownerGrant('G-1'), ownerGrant('G-1'), revoke('R-1', 'G-9', 'owner')]);
    const file = put(dir, 'integrity/several.jsonl', jsonl(lines));
    const r = await check(['--ledger', file, '--trust', TRUST]);
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
  ])('--at with %s', async (_, value) => {
    const r = await blockgate(['check', '--blockers', SEED, '--action', 'apply', '--env', 'staging', '--at', value, '--format', 'json']);
    expectError(r, 'bad-time', 3, '--at', value);
  });

  it.each([
    ['issued_at', '2026-11-20T10:00:00'],
    ['issued_at', '2026-11-31T10:00:00Z'],
    ['expires_at', '2026-11-21T25:00:00Z'],
  ])('%s %s in the ledger names the file and line', async (field, value) => {
    const file = put(dir, `time/${field}-${value.replace(/\W/g, '')}.jsonl`, jsonl(signLedger([ownerGrant('G-1'), ownerGrant('G-2', { [field]: value })])));
    expectError(await check(['--ledger', file, '--trust', TRUST]), 'bad-time', 3, at(file, 2), field);
  });

  it('a revoke\'s issued_at', async () => {
    const file = put(dir, 'time/revoke.jsonl', jsonl(signLedger([ownerGrant('G-1'), revoke('R-1', 'G-1', 'owner', { issued_at: 'now' })])));
    expectError(await check(['--ledger', file, '--trust', TRUST]), 'bad-time', 3, at(file, 2), 'issued_at');
  });
});

describe('unknown-action and unknown-environment', () => {
  it('unknown-action lists the known actions', async () => {
    const r = await check([], ['--action', 'deploy', '--env', 'production']);
    expectError(r, 'unknown-action', 3, 'deploy', 'activation, apply, ci-enforcement, cutover, permit, real-run, repoint');
  });

  it('unknown-environment lists the known environments', async () => {
    const r = await check([], ['--action', 'apply', '--env', 'prod']);
    expectError(r, 'unknown-environment', 3, 'prod', 'development, production, staging');
  });

  it('a --catalog replaces the defaults: its names are the known ones', async () => {
    const catalog = put(dir, 'catalog/small.json', { actions: { deploy: { tags: ['apply'] } }, environments: { live: { tags: ['production'] } } });
    const r = await check(['--catalog', catalog], ['--action', 'apply', '--env', 'live']);
    expectError(r, 'unknown-action', 3, 'apply', 'deploy');
    const env = await check(['--catalog', catalog], ['--action', 'deploy', '--env', 'production']);
    expectError(env, 'unknown-environment', 3, 'production', 'live');
  });

  it('with --catalog, the message names the catalog file', async () => {
    const catalog = put(dir, 'catalog/named.json', { actions: { deploy: { tags: ['apply'] } }, environments: { live: { tags: [] } } });
    expectError(await check(['--catalog', catalog], ['--action', 'apply', '--env', 'live']), 'unknown-action', 3, catalog);
  });

  it('an empty --target is an invalid request (exit 3), not "no target"', async () => {
    const r = await check(['--target', '']);
    expect(r.code).toBe(3);
    expect(r.json.allowed).toBe(false);
    expect(r.json.error.message).toContain('target');
  });

  it('action and environment names are exact (no case folding)', async () => {
    expectError(await check([], ['--action', 'Apply', '--env', 'staging']), 'unknown-action', 3, 'Apply');
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
  ])('a missing %s', async (flag, args) => {
    expectError(await blockgate([...args, '--format', 'json']), 'usage', 1, flag.slice(2));
  });

  it('a single-valued flag given twice is a usage error naming the flag', async () => {
    const ledger = putLedger(dir, [ownerGrant('G-1')], 'usage/twice.jsonl');
    expectError(await check(['--ledger', ledger, '--ledger', ledger, '--trust', TRUST]), 'usage', 1, '--ledger');
    expectError(await check(['--at', '2026-11-25T12:00:00Z']), 'usage', 1, '--at');
  });

  it('an unknown flag', async () => {
    expectError(await check(['--bogus-flag']), 'usage', 1, 'bogus-flag');
  });

  it('an unknown command', async () => {
    expectError(await blockgate(['deploy-now', '--format', 'json']), 'usage', 1, 'deploy-now');
  });

  it('no command', async () => {
    expectError(await blockgate(['--format', 'json']), 'usage', 1);
  });

  it('an unknown ledger subcommand', async () => {
    expectError(await blockgate(['ledger', 'sign', '--format', 'json']), 'usage', 1);
  });

  it('an unknown --format: exit 1, a text error naming it on stderr, nothing on stdout', async () => {
    const r = await blockgate(['check', '--blockers', SEED, '--action', 'apply', '--env', 'staging', '--format', 'yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('yaml');
    expect(r.stderr).toMatch(/usage/);
  });

  it('--trust missing while the ledger has entries names the ledger', async () => {
    const file = putLedger(dir, [ownerGrant('G-1')], 'usage/grants.jsonl');
    expectError(await check(['--ledger', file]), 'usage', 1, file, '--trust');
  });

  it('--trust may be left out for an empty ledger', async () => {
    const file = put(dir, 'usage/empty.jsonl', '');
    const r = await check(['--ledger', file], ['--action', 'apply', '--env', 'staging']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.json.denials.map((d: { blocker_id: string }) => d.blocker_id)).toEqual(['FIX7-P0-PLAN-SEPARATE-AUTH-1']);
  });

  it('text errors go to stderr, in text, with the code', async () => {
    const r = await blockgate(['check', '--blockers', `${dir}/nothing-here.json`, '--action', 'apply', '--env', 'staging']);
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
  ])('%s with a broken map', async (_, args) => {
    expectError(await blockgate([...args, '--blockers', broken, '--format', 'json']), 'map-parse', 3, at(broken, 2));
  });

  it('plan with an unknown environment', async () => {
    expectError(await blockgate(['plan', '--blockers', SEED, '--action', 'apply', '--env', 'moon', '--format', 'json']), 'unknown-environment', 3, 'moon');
  });

  it('matrix with a bad --at', async () => {
    expectError(await blockgate(['matrix', '--blockers', SEED, '--at', 'noon', '--format', 'json']), 'bad-time', 3, 'noon');
  });

  it('what-if --revoke of an unknown grant', async () => {
    expectError(await blockgate(['what-if', '--blockers', SEED, '--revoke', 'G-NOPE', '--format', 'json']), 'ledger-dangling-revoke', 3, 'G-NOPE');
  });
});

describe('the expire_at typo (a misspelt expires_at) never makes a grant eternal: every command that reads entries refuses it', () => {
  const typo = { expire_at: '2026-11-21T00:00:00Z' };
  const hypothetical = (id: string, fields: Line = {}) => ({ id, type: 'grant', role: 'owner', issued_at: AT, action: 'apply', environment: 'staging', resolves: ['X'], ...fields });
  const fix7Ledger = `${FIX7}/grants.jsonl`;
  const signedWithTypo = (name: string) => put(dir, `expire-at/${name}.jsonl`, jsonl(signLedger([ownerGrant('G-1'), ownerGrant('G-2', typo)])));

  interface Case {
    args: string[];
    /** What the message must name: the file and, for JSON Lines, the line (`file line N: `). */
    where: string;
    /** validate and ledger verify answer with a report listing the problem, not an error. */
    report?: boolean;
    /** A ledger that must stay byte for byte as it was. */
    unchanged?: string;
  }

  const cases: Array<[string, () => Case]> = [
    ['check --ledger', () => {
      const file = signedWithTypo('check');
      return { args: ['check', '--blockers', SEED, '--ledger', file, '--trust', TRUST, '--action', 'apply', '--env', 'staging', '--at', AT], where: at(file, 2) };
    }],
    ['ledger verify', () => {
      const file = signedWithTypo('verify');
      return { args: ['ledger', 'verify', '--ledger', file, '--trust', TRUST], where: at(file, 2), report: true };
    }],
    ['validate', () => {
      const file = signedWithTypo('validate');
      return { args: ['validate', '--blockers', SEED, '--ledger', file, '--trust', TRUST], where: at(file, 2), report: true };
    }],
    ['what-if --add, on the second line', () => {
      const file = put(dir, 'expire-at/add.jsonl', jsonl([hypothetical('H-1'), hypothetical('H-2', typo)]));
      return { args: ['what-if', '--blockers', SEED, '--add', file], where: at(file, 2) };
    }],
    ['what-if --add over the FIX7 ledger, on the first line', () => {
      const file = put(dir, 'expire-at/bad.jsonl', jsonl([hypothetical('H-1', typo)]));
      return { args: ['what-if', '--blockers', SEED, '--ledger', fix7Ledger, '--trust', TRUST, '--at', AT, '--add', file], where: at(file, 1) };
    }],
    ['ledger append --entry', () => {
      const ledger = put(dir, 'expire-at/append.jsonl', readFileSync(fix7Ledger, 'utf8'));
      const entry = put(dir, 'expire-at/entry.json', hypothetical('G-X', { ...typo, role: undefined }));
      const args = ['ledger', 'append', '--ledger', ledger, '--key', keyFile('owner-1'), '--key-id', 'owner-1', '--trust', TRUST, '--entry', entry];
      return { args, where: ledger, unchanged: ledger };
    }],
  ];

  it.each(cases)('%s: exit 3, ledger-schema naming the file, line and field, in JSON and in text', async (_, make) => {
    const c = make();
    const before = c.unchanged === undefined ? undefined : readFileSync(c.unchanged);
    const r = await blockgate([...c.args, '--format', 'json']);
    if (c.report) {
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect(r.json.valid).toBe(false);
      expect(r.json.problems.map((p: { code: string }) => p.code)).toEqual(['ledger-schema']);
      expect(r.json.problems[0].message).toContain(c.where);
      expect(r.json.problems[0].message).toContain('unknown field "expire_at"');
    } else {
      expectError(r, 'ledger-schema', 3, c.where, 'unknown field "expire_at"');
      expect(r.json.denials).toBeUndefined();
    }
    const text = await blockgate(c.args);
    expect(text.code).toBe(3);
    // Text wraps at 80 columns: compare with the line breaks joined.
    const joined = (t: string) => t.replace(/\s+/g, ' ');
    if (c.report) expect(joined(text.stdout)).toContain(`error ledger-schema: ${c.where}`);
    else {
      expect(text.stdout).toBe('');
      expect(joined(text.stderr)).toContain(`error ledger-schema: ${c.where}`);
    }
    if (before !== undefined) expect(readFileSync(c.unchanged!).equals(before)).toBe(true);
  });
});
