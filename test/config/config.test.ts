// The config library (issue 12 "Configure once"): where blockgate.json is found, what it may
// hold, how flags, environment and file rank, and every way it fails closed.
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfigFile, resolveConfig, resolvePattern } from '../../src/config/config.js';
import { describeSource, SETTINGS } from '../../src/config/settings.js';
import { thrown } from '../support/thrown.js';

function tmp(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), 'blockgate-config-')));
}

function writeConfig(dir: string, text: string): string {
  const file = join(dir, 'blockgate.json');
  writeFileSync(file, text);
  return file;
}

describe('finding the config file', () => {
  it('is found in the working directory or the nearest parent', () => {
    const root = tmp();
    const file = writeConfig(root, '{"ledger": "grants.jsonl"}');
    const deep = join(root, 'a', 'b');
    mkdirSync(deep, { recursive: true });
    expect(findConfigFile({ cwd: deep, env: {} })).toEqual({ path: file, origin: 'search' });
    const config = resolveConfig({ cwd: deep, env: {} });
    expect(config.settings.ledger).toEqual({ value: join(root, 'grants.jsonl'), source: { from: 'file', file, line: 1 } });
  });

  it('the nearest one wins over one further up', () => {
    const root = tmp();
    writeConfig(root, '{"ledger": "outer.jsonl"}');
    const inner = join(root, 'inner');
    mkdirSync(inner);
    writeConfig(inner, '{"ledger": "inner.jsonl"}');
    expect(resolveConfig({ cwd: inner, env: {} }).settings.ledger?.value).toBe(join(inner, 'inner.jsonl'));
  });

  it('none anywhere up to the root: no file and no settings', () => {
    const root = tmp();
    // tmpdir's parents hold no blockgate.json on a test machine; the search ends at the root.
    const config = resolveConfig({ cwd: root, env: {} });
    expect(config.file === null || !config.file.path.startsWith(root)).toBe(true);
  });

  it('--config beats BLOCKGATE_CONFIG, which beats the search', () => {
    const root = tmp();
    writeConfig(root, '{"format": "text"}');
    const a = join(root, 'a.json');
    const b = join(root, 'b.json');
    writeFileSync(a, '{"format": "json"}');
    writeFileSync(b, '{"format": "github"}');
    expect(resolveConfig({ cwd: root, env: { BLOCKGATE_CONFIG: b }, configFlag: a }).settings.format?.value).toBe('json');
    expect(resolveConfig({ cwd: root, env: { BLOCKGATE_CONFIG: b } }).file).toEqual({ path: b, origin: 'env' });
    expect(resolveConfig({ cwd: root, env: { BLOCKGATE_CONFIG: b } }).settings.format?.value).toBe('github');
    expect(resolveConfig({ cwd: root, env: {} }).settings.format?.value).toBe('text');
  });

  it('a named config that is missing is config-parse "not found"', () => {
    const root = tmp();
    const e = thrown(() => resolveConfig({ cwd: root, env: {}, configFlag: 'nope.json' }));
    expect(e.code).toBe('config-parse');
    expect(e.message).toBe('nope.json: not found');
  });

  it('an empty --config or BLOCKGATE_CONFIG is an error, not "no config"', () => {
    const root = tmp();
    expect(thrown(() => resolveConfig({ cwd: root, env: {}, configFlag: '' })).code).toBe('config-parse');
    const e = thrown(() => resolveConfig({ cwd: root, env: { BLOCKGATE_CONFIG: '' } }));
    expect(e.code).toBe('config-schema');
    expect(e.message).toContain('BLOCKGATE_CONFIG is set but empty');
  });

  it('a symbolic link, a dangling link, a directory and a FIFO are refused', () => {
    const root = tmp();
    const real = join(root, 'real.json');
    writeFileSync(real, '{}');
    const linked = join(root, 'linked');
    mkdirSync(linked);
    symlinkSync(real, join(linked, 'blockgate.json'));
    let e = thrown(() => resolveConfig({ cwd: linked, env: {} }));
    expect([e.code, e.message]).toEqual(['config-parse', `${join(linked, 'blockgate.json')}: a symbolic link; a config file must be a regular file (name the file it points to)`]);

    const dangling = join(root, 'dangling');
    mkdirSync(dangling);
    symlinkSync(join(root, 'missing.json'), join(dangling, 'blockgate.json'));
    e = thrown(() => resolveConfig({ cwd: dangling, env: {} }));
    expect(e.code).toBe('config-parse');
    expect(e.message).toContain('a symbolic link');

    const dir = join(root, 'dir');
    mkdirSync(join(dir, 'blockgate.json'), { recursive: true });
    e = thrown(() => resolveConfig({ cwd: dir, env: {} }));
    expect([e.code, e.message]).toEqual(['config-parse', `${join(dir, 'blockgate.json')}: a directory, not a regular file`]);

    const fifo = join(root, 'fifo');
    mkdirSync(fifo);
    execFileSync('mkfifo', [join(fifo, 'blockgate.json')]);
    e = thrown(() => resolveConfig({ cwd: fifo, env: {} }));
    expect([e.code, e.message]).toEqual(['config-parse', `${join(fifo, 'blockgate.json')}: a FIFO (named pipe), not a regular file`]);
  });
});

describe('what the file may hold', () => {
  it('every key, relative paths resolved against the file\'s directory, sources with lines', () => {
    const root = tmp();
    const file = writeConfig(root, [
      '{',
      '  "blockers": ["maps/*.json", "/abs/map.json"],',
      '  "ledger": "grants.jsonl",',
      '  "trust": "keys/trust.json",',
      '  "catalog": "catalog.json",',
      '  "ledger_head": "3:abc",',
      '  "bundle": "bundles/custom",',
      '  "format": "json",',
      '  "decision_log": "/var/log/decisions.jsonl"',
      '}',
    ].join('\n'));
    const elsewhere = tmp();
    const { settings } = resolveConfig({ cwd: elsewhere, env: {}, configFlag: file });
    expect(settings.blockers).toEqual({ value: [join(root, 'maps/*.json'), '/abs/map.json'], source: { from: 'file', file, line: 2 } });
    expect(settings.ledger?.value).toBe(join(root, 'grants.jsonl'));
    expect(settings.trust?.value).toBe(join(root, 'keys/trust.json'));
    expect(settings.catalog?.value).toBe(join(root, 'catalog.json'));
    expect(settings.ledger_head).toEqual({ value: '3:abc', source: { from: 'file', file, line: 6 } });
    expect(settings.bundle?.value).toBe(join(root, 'bundles/custom'));
    expect(settings.format?.value).toBe('json');
    expect(settings.decision_log?.source).toEqual({ from: 'file', file, line: 9 });
  });

  it('blockers may be one string', () => {
    const root = tmp();
    writeConfig(root, '{"blockers": "map.json"}');
    expect(resolveConfig({ cwd: root, env: {} }).settings.blockers?.value).toEqual([join(root, 'map.json')]);
  });

  it('an unknown key is config-schema naming the file and line, with the key', () => {
    const root = tmp();
    const file = writeConfig(root, '{\n  "ledger": "g.jsonl",\n  "legder": "x"\n}');
    const e = thrown(() => resolveConfig({ cwd: root, env: {} }));
    expect(e.code).toBe('config-schema');
    expect(e.message).toBe(`${file} line 3: unknown key "legder" (did you mean "ledger"?); known: blockers, ledger, trust, catalog, ledger_head, bundle, format, decision_log`);
    expect(e.problems).toHaveLength(1);
  });

  it('a wrong type and an empty string are config-schema at their line', () => {
    const root = tmp();
    const file = writeConfig(root, '{\n  "blockers": [],\n  "ledger": 7,\n  "trust": ""\n}');
    const e = thrown(() => resolveConfig({ cwd: root, env: {} }));
    expect(e.code).toBe('config-schema');
    expect(e.problems.map((p) => p.message)).toEqual([
      `${file} line 2: /blockers: must NOT have fewer than 1 items`,
      `${file} line 3: /ledger: must be string`,
      `${file} line 4: /trust: must NOT have fewer than 1 characters`,
    ]);
  });

  it('malformed JSON is config-parse with its line; a top-level array is config-schema', () => {
    const root = tmp();
    let file = writeConfig(root, '{\n  "ledger": "a",\n  "ledger": "b"\n}');
    let e = thrown(() => resolveConfig({ cwd: root, env: {} }));
    expect([e.code, e.message]).toEqual(['config-parse', `${file} line 3: duplicate key "ledger"`]);
    file = writeConfig(root, '[]');
    e = thrown(() => resolveConfig({ cwd: root, env: {} }));
    expect([e.code, e.message]).toEqual(['config-schema', `${file} line 1: the document: must be object`]);
  });

  it('"-" (standard input) in the file is refused at its line', () => {
    const root = tmp();
    const file = writeConfig(root, '{\n  "blockers": ["a.json", "-"]\n}');
    const e = thrown(() => resolveConfig({ cwd: root, env: {} }));
    expect([e.code, e.message]).toEqual(['config-schema', `${file} line 2: /blockers/1: "-" (standard input) can be given only as a flag`]);
  });

  it('a glob under a folder whose name has glob characters matches inside that folder only', () => {
    expect(resolvePattern('/srv/team[1]', 'maps/*.json')).toBe('/srv/team\\[1\\]/maps/*.json');
    expect(resolvePattern('/srv/team[1]', 'map.json')).toBe('/srv/team[1]/map.json');
    expect(resolvePattern('/srv/team', 'maps/*.json')).toBe('/srv/team/maps/*.json');
  });
});

describe('precedence: flags, then environment, then the file', () => {
  it('each setting ranks flag > env > file, and says where it came from', () => {
    const root = tmp();
    const file = writeConfig(root, JSON.stringify({ ledger: 'file.jsonl', trust: 'file-trust.json', catalog: 'cat.json' }, null, 1));
    const { settings } = resolveConfig({
      cwd: root,
      env: { BLOCKGATE_LEDGER: 'env.jsonl', BLOCKGATE_TRUST: 'env-trust.json' },
      flags: { ledger: 'flag.jsonl' },
    });
    expect(settings.ledger).toEqual({ value: 'flag.jsonl', source: { from: 'flag', flag: 'ledger' } });
    expect(settings.trust).toEqual({ value: 'env-trust.json', source: { from: 'env', name: 'BLOCKGATE_TRUST' } });
    expect(settings.catalog).toEqual({ value: join(root, 'cat.json'), source: { from: 'file', file, line: 4 } });
    expect(describeSource(settings.catalog!.source)).toBe(`${file} line 4`);
    expect(describeSource(settings.trust!.source)).toBe('BLOCKGATE_TRUST');
    expect(describeSource(settings.ledger!.source)).toBe('--ledger');
  });

  it('every setting has its variable', () => {
    const root = tmp();
    const env = Object.fromEntries(SETTINGS.map((s) => [s.env, `v-${s.key}`]));
    const { settings } = resolveConfig({ cwd: root, env });
    for (const s of SETTINGS) {
      expect(settings[s.key]?.value).toEqual(s.key === 'blockers' ? ['v-blockers'] : `v-${s.key}`);
    }
  });

  it('BLOCKGATE_BLOCKERS is a :-separated list; an empty entry or value is an error', () => {
    const root = tmp();
    expect(resolveConfig({ cwd: root, env: { BLOCKGATE_BLOCKERS: 'a.json:maps/*.json' } }).settings.blockers?.value).toEqual(['a.json', 'maps/*.json']);
    let e = thrown(() => resolveConfig({ cwd: root, env: { BLOCKGATE_BLOCKERS: 'a.json::b.json' } }));
    expect([e.code, e.message]).toEqual(['config-schema', 'BLOCKGATE_BLOCKERS "a.json::b.json" has an empty entry; separate blocker paths or patterns with a single \':\'']);
    e = thrown(() => resolveConfig({ cwd: root, env: { BLOCKGATE_LEDGER: '' } }));
    expect([e.code, e.message]).toEqual(['config-schema', 'BLOCKGATE_LEDGER is set but empty; unset it or give a value']);
    e = thrown(() => resolveConfig({ cwd: root, env: { BLOCKGATE_TRUST: '-' } }));
    expect(e.code).toBe('config-schema');
  });

  it('a broken file is an error even when every value it holds is overridden', () => {
    const root = tmp();
    writeConfig(root, '{"ledger": 1}');
    expect(thrown(() => resolveConfig({ cwd: root, env: {}, flags: { ledger: 'x' } })).code).toBe('config-schema');
  });
});
