// buildRules with the pinned opa: the bundle, its seal, and every kind of bad rule input.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRules, importedBuiltins, type BuildRulesOptions } from '../../src/rules/build.js';
import { findOpa, PACKAGE_OPA } from '../../src/rules/opa.js';
import { readOpaBundle } from '../../src/engine/opa-bundle.js';
import { ENTRYPOINTS } from '../../src/engine/bundle.js';
import { OPA } from '../differential/opa.js';
import { writeRulesDir } from './rules-dir.js';
import { rejection, thrown } from '../support/thrown.js';

const FREEZE = `package blockgate.rules

# METADATA
# title: Change freeze
# description: No production apply during the freeze.
deny contains {"id": "change-freeze", "message": "frozen", "next_action": "wait"} if {
	input.action == "apply"
	time.weekday(time.now_ns()) == data.blockgate_rules_config.freeze.day
}

deny contains {"id": sprintf("dyn-%s", [input.action]), "message": "m"} if input.environment == "nowhere"

warn contains {"id": "late", "message": "late"} if input.at > 0
`;

let root: string;
let n = 0;

/** A fresh rules directory holding `files`. */
const rulesDir = (files: Record<string, string>): string => writeRulesDir(root, files);

function opts(rules: string, more: Partial<BuildRulesOptions> = {}): BuildRulesOptions {
  return { rules, out: join(root, `out-${++n}`), opa: OPA, ...more };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'bg-build-'));
});

describe('buildRules', () => {
  it('compiles the rules with blockgate\'s policy into bundle.tar.gz and seals it', async () => {
    const dir = rulesDir({ 'freeze.rego': FREEZE, 'freeze_test.rego': 'package blockgate.rules\n\ntest_x if true\n', 'data.json': '{"blockgate_rules_config": {"freeze": {"day": "Friday"}}}', 'README.md': 'ignored' });
    const o = opts(dir);
    const r = await buildRules(o);
    const bytes = readFileSync(join(o.out, 'bundle.tar.gz'));
    const b = readOpaBundle(bytes, { name: 'b' });
    const seal = JSON.parse(readFileSync(join(o.out, 'seal.json'), 'utf8'));
    expect(seal).toEqual(r.seal);
    expect(seal.bundle).toBe('bundle.tar.gz');
    expect(seal.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(seal.opa_version).toBe('1.22.3');
    expect(seal.revision).toBe(seal.source_sha256.slice(0, 16));
    expect(b.manifest.revision).toBe(seal.revision);
    expect(seal.entrypoints).toEqual(Object.values(ENTRYPOINTS));
    expect(b.manifest.wasm.map((w) => w.entrypoint)).toEqual(Object.values(ENTRYPOINTS));
    expect(seal.view_version).toBe(1);
    expect(seal.blockgate_version).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    expect(seal.rules).toEqual({
      'change-freeze': { file: `${dir}/freeze.rego`, title: 'Change freeze', description: 'No production apply during the freeze.' },
      late: { file: `${dir}/freeze.rego`, title: null, description: null },
    });
    expect(seal.dynamic_rules).toEqual([`${dir}/freeze.rego`]);
    expect(seal.signed).toBe(false);
    expect(b.data).toEqual({ blockgate_rules_config: { freeze: { day: 'Friday' } } });
    expect(b.files.has('rules/freeze.rego')).toBe(true);
    expect(b.files.has('rules/freeze_test.rego')).toBe(false);
    expect([...b.files.keys()].some((f) => f.startsWith('policies/blockgate/') && f.endsWith('_test.rego'))).toBe(false);
    // Same sources, same seal (a reproducible revision).
    const again = await buildRules(opts(dir));
    expect(again.seal.source_sha256).toBe(seal.source_sha256);
  });

  it('without rules builds blockgate\'s policy alone (the shipped bundle), its source hash as the Makefile\'s', async () => {
    const out = join(root, 'core');
    const r = await buildRules({ out, opa: OPA });
    expect(r.seal.rules).toEqual({});
    expect(r.seal.dynamic_rules).toEqual([]);
    const files = execFileSync('find', ['policies', '-name', '*.rego', '!', '-name', '*_test.rego'], { encoding: 'utf8' }).trim().split('\n').sort();
    const h = createHash('sha256');
    for (const f of files) h.update(`${f}\0`).update(readFileSync(f)).update('\0');
    expect(r.seal.source_sha256).toBe(h.digest('hex'));
    const b = readOpaBundle(readFileSync(r.bundle), { name: r.bundle });
    expect([...b.files.keys()].filter((f) => f.startsWith('rules/'))).toEqual([]);
  });

  it('signs with OPA bundle signing, the algorithm fitting the key', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = join(root, 'ec.pem');
    writeFileSync(keyFile, ec.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const o = opts(rulesDir({ 'freeze.rego': FREEZE }), { signingKey: keyFile });
    const r = await buildRules(o);
    expect(r.seal.signed).toBe(true);
    const b = readOpaBundle(readFileSync(r.bundle), { name: 'b', key: ec.publicKey });
    expect(b.signature?.algorithm).toBe('ES256');
  });

  it('refuses HS* signing and a key file that is not a private key (usage, exit 1)', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = join(root, 'rsa.pem');
    writeFileSync(keyFile, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const dir = rulesDir({ 'freeze.rego': FREEZE });
    let e = await rejection(buildRules(opts(dir, { signingKey: keyFile, signingAlg: 'HS256' })));
    expect(e.code).toBe('usage');
    expect(e.message).toMatch(/HMAC secret cannot be checked with --bundle-key/);
    e = await rejection(buildRules(opts(dir, { signingKey: keyFile, signingAlg: 'ES256' })));
    expect(e.message).toMatch(/a rsa key cannot sign with ES256 \(use RS256/);
    const pub = join(root, 'rsa.pub');
    writeFileSync(pub, rsa.publicKey.export({ type: 'spki', format: 'pem' }));
    e = await rejection(buildRules(opts(dir, { signingKey: pub })));
    expect(e.code).toBe('usage');
    expect(e.message).toMatch(/not a PEM private key/);
    e = await rejection(buildRules(opts(dir, { signingKey: join(root, 'missing.pem') })));
    expect(e.code).toBe('usage');
    expect(e.message).toContain('missing.pem');
  });
});

describe('buildRules: bad rule input (rule-build, with file and line)', () => {
  async function refused(files: Record<string, string>): Promise<{ message: string; file?: string; line?: number; count: number }> {
    const dir = rulesDir(files);
    const e = await rejection(buildRules(opts(dir)));
    expect(e.code).toBe('rule-build');
    return { message: e.message.replaceAll(dir, 'RULES'), file: e.file?.replaceAll(dir, 'RULES'), line: e.line, count: e.problems.length };
  }

  it('a syntax error, from opa, with the user\'s file and line', async () => {
    const r = await refused({ 'ok.rego': 'package blockgate.rules\n', 'bad.rego': 'package blockgate.rules\n\ndeny contains x if {\n\tx :=\n' });
    expect(r.file).toBe('RULES/bad.rego');
    expect(r.message).toMatch(/^RULES\/bad\.rego line \d+: rego_parse_error: /);
  });

  it('a type error (an undefined function)', async () => {
    const r = await refused({ 'a.rego': 'package blockgate.rules\n\ndeny contains {"id": "x", "message": m} if m := nope(1)\n' });
    expect(r.message).toMatch(/^RULES\/a\.rego line 3: rego_type_error: .*nope/);
  });

  it('a rule in another package, and in a subpackage (strict: exactly blockgate.rules)', async () => {
    let r = await refused({ 'a.rego': 'package team.rules\n\ndeny contains {"id": "x", "message": "m"} if true\n' });
    expect(r.message).toBe('RULES/a.rego line 1: package team.rules: a rule must be in package blockgate.rules exactly (not another package, nor a subpackage)');
    r = await refused({ 'a.rego': 'package blockgate.rules.extra\n\nx := 1\n' });
    expect(r.message).toMatch(/package blockgate\.rules\.extra: a rule must be in package blockgate\.rules exactly/);
    r = await refused({ 'a.rego': 'package blockgate\n\ndecision := {"allowed": true}\n' });
    expect(r.message).toMatch(/package blockgate: a rule must be in package blockgate\.rules/);
  });

  it('a builtin that WASM lacks and the host does not provide', async () => {
    const r = await refused({ 'a.rego': 'package blockgate.rules\n\ndeny contains {"id": "x", "message": "m"} if {\n\tr := http.send({"method": "get", "url": "https://example.invalid"})\n\tr.status_code == 200\n}\n' });
    expect(r.message).toMatch(/^RULES\/a\.rego line 4: rego_type_error: .*http\.send.*\(http\.send: OPA's WebAssembly lacks this builtin and blockgate's host does not provide it\)$/);
  });

  it('an id used in two files', async () => {
    const r = await refused({
      'a.rego': 'package blockgate.rules\n\ndeny contains {"id": "same", "message": "a"} if true\n',
      'b.rego': 'package blockgate.rules\n\ndeny contains {"id": "same", "message": "b"} if false\n',
    });
    expect(r.message).toMatch(/^RULES\/b\.rego line 3: the rule id "same" is also used in RULES\/a\.rego line 3/);
  });

  it('data outside blockgate_rules_config, data set twice, YAML data, malformed data', async () => {
    const rule = { 'a.rego': 'package blockgate.rules\n' };
    expect((await refused({ ...rule, 'data.json': '{"world": {}}' })).message).toMatch(/^RULES\/data\.json: rule data must be one object \{"blockgate_rules_config"/);
    expect((await refused({ ...rule, 'x/data.json': '{"blockgate_rules_config": {"a": 1}}', 'y/data.json': '{"blockgate_rules_config": {"a": 2}}' })).message)
      .toMatch(/^RULES\/y\/data\.json: data\.blockgate_rules_config\.a is also set by RULES\/x\/data\.json/);
    expect((await refused({ ...rule, 'data.yaml': 'a: 1' })).message).toMatch(/must be data\.json/);
    expect((await refused({ ...rule, 'data.json': '{"a":' })).message).toMatch(/^RULES\/data\.json line 1: /);
  });

  it('no rules, a missing directory, a linked rule file', async () => {
    expect((await refused({ 'only_test.rego': 'package blockgate.rules\n' })).message).toMatch(/holds no rules/);
    let e = await rejection(buildRules(opts(join(root, 'nowhere'))));
    expect(e.code).toBe('rule-build');
    expect(e.message).toMatch(/not a directory of rules/);
    const dir = rulesDir({ 'a.rego': 'package blockgate.rules\n' });
    symlinkSync(join(dir, 'a.rego'), join(dir, 'b.rego'));
    e = await rejection(buildRules(opts(dir)));
    expect(e.message).toMatch(/b\.rego: a symbolic link/);
  });
});

describe('importedBuiltins', () => {
  it('lists the builtins a compiled policy imports from its host', () => {
    const dir = rulesDir({ 'p.rego': 'package p\n\nday := time.weekday(time.now_ns())\n\nn := count([1])\n' });
    const out = join(dir, 'b.tar.gz');
    execFileSync(OPA, ['build', '-t', 'wasm', '-e', 'p/day', '-e', 'p/n', '-o', out, 'p.rego'], { cwd: dir });
    const wasm = readOpaBundle(readFileSync(out), { name: out }).wasm;
    // count is WASM's own; the time builtins are the host's.
    expect(importedBuiltins(wasm)).toEqual(['time.now_ns', 'time.weekday']);
  });
});

describe('finding opa', () => {
  it('takes --opa, else the PATH, else the package\'s; without one says how to install the pinned version (io, exit 1)', () => {
    expect(findOpa(OPA)).toBe(OPA);
    const bin = join(mkdtempSync(join(tmpdir(), 'bg-path-')), 'opa');
    writeFileSync(bin, '#!/bin/sh\n');
    chmodSync(bin, 0o755);
    expect(findOpa(undefined, { PATH: `/nonexistent:${join(bin, '..')}` })).toBe(bin);
    let e = thrown(() => findOpa(join(root, 'no-opa')));
    expect(e.code).toBe('io');
    expect(e.message).toMatch(/no executable opa there; install OPA v1\.22\.3: run 'make opa' .*'go install github\.com\/open-policy-agent\/opa@v1\.22\.3'/);
    if (PACKAGE_OPA !== OPA) return;
    // With the package's own opa present, an empty PATH still finds it.
    expect(findOpa(undefined, { PATH: '' })).toBe(PACKAGE_OPA);
  });

  it('refuses an opa that is not OPA 1.x', async () => {
    const fake = join(mkdtempSync(join(tmpdir(), 'bg-fake-')), 'opa');
    writeFileSync(fake, '#!/bin/sh\necho "Version: 0.70.0"\n');
    chmodSync(fake, 0o755);
    const e = await rejection(buildRules(opts(rulesDir({ 'a.rego': 'package blockgate.rules\n' }), { opa: fake })));
    expect(e.code).toBe('io');
    expect(e.message).toMatch(/is OPA 0\.70\.0; .*needs OPA 1\.x; install OPA v1\.22\.3/);
  });
});
