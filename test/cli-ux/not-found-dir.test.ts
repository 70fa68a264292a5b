// Issue 12: a missing ledger, trust file or map says "PATH: not found"; --blockers DIR means
// every *.json under DIR (at any depth), still refusing what cannot be read under it.
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockgate } from '../support/cli.js';

const REQUEST = ['--action', 'apply', '--env', 'production', '--at', '2026-11-25T12:00:00Z'];
const MAP = 'fixtures/fix7/production-readiness-blocker-map.json';
const space = () => realpathSync(mkdtempSync(join(tmpdir(), 'bg-ux-')));
const map = (id: string) => JSON.stringify({ blockers: [{ id, actor_needed: 'owner', blocks: ['production'] }] });

describe('not found', () => {
  it('a missing map, ledger or trust file: exit 3, "PATH: not found"', async () => {
    const d = space();
    const cases: [string[], string][] = [
      [['--blockers', join(d, 'map.json')], 'map-none'],
      [['--blockers', MAP, '--ledger', join(d, 'grants.jsonl'), '--trust', 'fixtures/trust.test-only.json'], 'ledger-schema'],
      [['--blockers', MAP, '--ledger', 'fixtures/fix7/grants.jsonl', '--trust', join(d, 'trust.json')], 'trust-parse'],
    ];
    for (const [args, code] of cases) {
      const missing = args[args.indexOf(args.find((a) => a.startsWith(d))!)]!;
      const r = await blockgate(['check', ...args, ...REQUEST, '--format', 'json']);
      expect(r.code).toBe(3);
      expect(r.json.error).toEqual({ code, message: `${missing}: not found` });
    }
  });

  it('a glob that matches nothing still says so', async () => {
    const d = space();
    const r = await blockgate(['check', '--blockers', join(d, '*.json'), ...REQUEST, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.json.error).toEqual({ code: 'map-none', message: `${join(d, '*.json')}: no blocker map matches this path or pattern` });
  });
});

describe('--blockers DIR', () => {
  it('reads every *.json under it, at any depth, and nothing else', async () => {
    const d = space();
    mkdirSync(join(d, 'team', 'sub'), { recursive: true });
    writeFileSync(join(d, 'a.json'), map('B-A'));
    writeFileSync(join(d, 'team', 'sub', 'b.json'), map('B-B'));
    writeFileSync(join(d, 'notes.txt'), 'not a map');
    const r = await blockgate(['check', '--blockers', d, ...REQUEST, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.json.denials.map((x: { blocker_id: string; source: string }) => [x.blocker_id, x.source])).toEqual([
      ['B-A', join(d, 'a.json')], ['B-B', join(d, 'team', 'sub', 'b.json')],
    ]);
    // A trailing slash is the same directory.
    const slash = await blockgate(['check', '--blockers', `${d}/`, ...REQUEST, '--format', 'json']);
    expect(slash.json.denials.map((x: { blocker_id: string }) => x.blocker_id)).toEqual(['B-A', 'B-B']);
  });

  it('a directory with no map under it: map-none, exit 3', async () => {
    const d = space();
    const r = await blockgate(['check', '--blockers', d, ...REQUEST, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.json.error).toEqual({ code: 'map-none', message: `${d}: a directory with no *.json blocker map under it` });
  });

  it('a dangling link under it is still refused (map-parse, naming it), never skipped', async () => {
    const d = space();
    writeFileSync(join(d, 'a.json'), map('B-A'));
    symlinkSync(join(d, 'gone.json'), join(d, 'b.json'));
    const r = await blockgate(['check', '--blockers', d, ...REQUEST, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.json.error.code).toBe('map-parse');
    expect(r.json.error.message).toContain(join(d, 'b.json'));
  });
});
