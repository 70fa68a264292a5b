// Configure once, through the command line (issue 12): blockgate.json and BLOCKGATE_* fill the
// flags a command leaves out, flags beat environment beat file, and `blockgate config` says
// where each value came from.
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockgate } from '../support/cli.js';

let project: string;
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
let sub: string;

beforeAll(() => {
  project = realpathSync(mkdtempSync(join(tmpdir(), 'blockgate-config-cli-')));
  mkdirSync(join(project, 'maps'));
  writeFileSync(join(project, 'maps', 'prod.json'), JSON.stringify({ blockers: [{ id: 'B1', actor_needed: 'owner', blocks: ['production'] }] }));
  writeFileSync(join(project, 'blockgate.json'), '{\n  "blockers": "maps/*.json",\n  "format": "json"\n}\n');
  sub = join(project, 'deploy', 'scripts');
  mkdirSync(sub, { recursive: true });
});

describe('a command reads blockgate.json from a parent directory', () => {
  it('check needs no --blockers: the file\'s glob, relative to the file, and its format', async () => {
    const r = await blockgate(['check', '--action', 'apply', '--env', 'staging'], { cwd: sub });
    expect(r.code).toBe(0);
    expect(r.json.allowed).toBe(true);
  });

  it('a flag beats the environment, which beats the file (format)', async () => {
    let r = await blockgate(['check', '--action', 'apply', '--env', 'staging'], { cwd: sub, env: { BLOCKGATE_FORMAT: 'text' } });
    expect(r.stdout).toMatch(/^ALLOWED {2}apply in staging/);
    r = await blockgate(['check', '--action', 'apply', '--env', 'staging', '--format', 'json'], { cwd: sub, env: { BLOCKGATE_FORMAT: 'text' } });
    expect(r.json.allowed).toBe(true);
  });

  it('a --blockers flag replaces the file\'s blockers', async () => {
    const other = join(project, 'other.json');
    writeFileSync(other, JSON.stringify({ blockers: [{ id: 'B2', actor_needed: 'owner', blocks: ['cutover'] }] }));
    expect((await blockgate(['check', '--action', 'cutover', '--env', 'staging'], { cwd: sub })).code).toBe(0);
    const r = await blockgate(['check', '--action', 'cutover', '--env', 'staging', '--blockers', other], { cwd: sub });
    expect(r.code).toBe(2);
    expect(r.json.denials.map((d: { blocker_id: string }) => d.blocker_id)).toEqual(['B2']);
  });

  it('BLOCKGATE_CONFIG names another file; --config beats it', async () => {
    const alt = join(project, 'alt.json');
    writeFileSync(alt, JSON.stringify({ blockers: 'maps/prod.json', format: 'text' }));
    let r = await blockgate(['check', '--action', 'apply', '--env', 'production'], { cwd: sub, env: { BLOCKGATE_CONFIG: alt } });
    expect([r.code, r.stdout.split('\n')[0]!.startsWith('DENIED')]).toEqual([2, true]);
    r = await blockgate(['check', '--action', 'apply', '--env', 'production', '--config', join(project, 'blockgate.json')], { cwd: sub, env: { BLOCKGATE_CONFIG: alt } });
    expect([r.code, r.json.allowed]).toEqual([2, false]);
  });
});

describe('failing closed', () => {
  it('a config with an unknown key stops the command: config-schema, exit 3, file and line', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'blockgate-config-bad-')));
    writeFileSync(join(dir, 'blockgate.json'), '{\n  "blockers": "m.json",\n  "decison_log": "d.jsonl"\n}\n');
    const r = await blockgate(['check', '--action', 'apply', '--env', 'staging', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.json.error.code).toBe('config-schema');
    expect(r.json.error.message).toBe(`${join(dir, 'blockgate.json')} line 3: unknown key "decison_log" (did you mean "decision_log"?); known: blockers, ledger, trust, catalog, ledger_head, bundle, format, decision_log`);
  });

  it('an empty BLOCKGATE_LEDGER is config-schema, exit 3, not "no ledger"', async () => {
    // The config cannot be read, so its format is not known: the error is text.
    const r = await blockgate(['check', '--action', 'apply', '--env', 'staging'], { cwd: sub, env: { BLOCKGATE_LEDGER: '' } });
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toBe('error config-schema: BLOCKGATE_LEDGER is set but empty; unset it or give a value');
  });

  it('no blocker maps anywhere: usage, exit 1, naming the three places', async () => {
    const empty = realpathSync(mkdtempSync(join(tmpdir(), 'blockgate-config-none-')));
    const r = await blockgate(['check', '--action', 'apply', '--env', 'staging'], { cwd: empty });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('error usage: no blocker maps: give --blockers PATH|GLOB, BLOCKGATE_BLOCKERS, or "blockers" in blockgate.json');
  });
});

describe('blockgate config', () => {
  it('prints every setting and where it came from (json)', async () => {
    const r = await blockgate(['config'], { cwd: sub, env: { BLOCKGATE_LEDGER: 'grants.jsonl' } });
    expect(r.code).toBe(0);
    const file = join(project, 'blockgate.json');
    expect(r.json.config_file).toEqual({ path: file, found_by: 'search' });
    expect(r.json.settings.blockers).toEqual({ value: [join(project, 'maps/*.json')], from: 'file', file, line: 2, where: `${file} line 2` });
    expect(r.json.settings.ledger).toEqual({ value: 'grants.jsonl', from: 'env', name: 'BLOCKGATE_LEDGER', where: 'BLOCKGATE_LEDGER' });
    expect(r.json.settings.trust).toBeNull();
    expect(Object.keys(r.json.settings)).toEqual(['blockers', 'ledger', 'trust', 'catalog', 'ledger_head', 'bundle', 'format', 'decision_log']);
  });

  it('prints them as text', async () => {
    const r = await blockgate(['config', '--format', 'text'], { cwd: sub });
    expect(r.code).toBe(0);
    const file = join(project, 'blockgate.json');
    expect(r.stdout).toBe([
      `config file: ${file} (found from the working directory)`,
      `blockers      ${join(project, 'maps/*.json')}  (from ${file} line 2)`,
      'ledger        (not set)',
      'trust         (not set)',
      'catalog       (not set)',
      'ledger_head   (not set)',
      'bundle        (not set)',
      'format        text  (from --format)',
      'decision_log  (not set)',
      '',
    ].join('\n'));
  });

  it('a --format given is shown as coming from the flag', async () => {
    const r = await blockgate(['config', '--format', 'json'], { cwd: sub });
    expect(r.json.settings.format).toEqual({ value: 'json', from: 'flag', flag: 'format', where: '--format' });
  });

  it('the bundle setting reaches --bundle: BLOCKGATE_BUNDLE naming no bundle is bundle-seal, exit 1', async () => {
    const r = await blockgate(['check', '--action', 'apply', '--env', 'staging'], { cwd: sub, env: { BLOCKGATE_BUNDLE: join(project, 'no-bundle') } });
    expect(r.code).toBe(1);
    expect(r.json.error).toEqual({ code: 'bundle-seal', message: `${join(project, 'no-bundle', 'seal.json')}: not found` });
  });

  it('a broken config: exit 3 with its line', async () => {
    const r = await blockgate(['config', '--config', 'nope.json', '--format', 'json'], { cwd: sub });
    expect(r.code).toBe(3);
    expect(r.json.error).toEqual({ code: 'config-parse', message: 'nope.json: not found' });
  });
});
