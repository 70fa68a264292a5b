import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockgateError, type ErrorCode, type Problem } from '../errors.js';
import { expandMapPatterns, loadBlockerMaps } from './maps.js';
import { thrown } from '../../test/support/thrown.js';

const dir = mkdtempSync(join(tmpdir(), 'blockgate-maps-'));

function put(name: string, content: string | object): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  return path;
}


const codesAndLines = (problems: Problem[]) => problems.map((p) => [p.code, p.file, p.line] as [ErrorCode, string | undefined, number | undefined]);

describe('expandMapPatterns', () => {
  const a = put('expand/a.json', { blockers: [] });
  const b = put('expand/sub/b.json', { blockers: [] });
  put('expand/sub/notes.txt', 'not a map');

  it('takes an existing file as it is', () => {
    expect(expandMapPatterns([a])).toEqual([a]);
  });

  it('expands globs, sorted, files only', () => {
    expect(expandMapPatterns([`${dir}/expand/**/*.json`])).toEqual([a, b]);
  });

  it('keeps the order of the patterns and drops a file already matched', () => {
    expect(expandMapPatterns([b, `${dir}/expand/**/*.json`, `${dir}/expand/./a.json`])).toEqual([b, a]);
  });

  it('the same file through a symlink is loaded once', () => {
    const link = join(dir, 'expand-link.json');
    symlinkSync(a, link);
    expect(expandMapPatterns([a, link])).toEqual([a]);
  });

  it('a pattern matching nothing is map-none, naming the pattern', () => {
    const e = thrown(() => expandMapPatterns([a, `${dir}/expand/*.yaml`]));
    expect(e.code).toBe('map-none');
    expect(e.message).toContain(`${dir}/expand/*.yaml`);
  });

  it('a missing file is map-none', () => {
    expect(thrown(() => expandMapPatterns([`${dir}/nope.json`])).code).toBe('map-none');
  });

  it('a directory named literally means every *.json under it (issue 12)', () => {
    expect(expandMapPatterns([`${dir}/expand`])).toEqual(expandMapPatterns([`${dir}/expand/**/*.json`]));
  });

  it('no pattern at all is a usage error', () => {
    expect(thrown(() => expandMapPatterns([])).code).toBe('usage');
  });
});

describe('loadBlockerMaps', () => {
  it('normalises each blocker and keeps where it came from', () => {
    const file = put('load/seed-like.json', [
      '{',
      '  "doc": "example",',
      '  "date": "2026-06-12",',
      '  "blockers": [',
      '    {',
      '      "id": "B-BIRTH",',
      '      "item": "surface unknown",',
      '      "actor_needed": "owner + operator (scope the exact surface; not invented)",',
      '      "next_action": "scope it",',
      '      "blocks": "production",',
      '      "extra": {"kept": "and ignored"}',
      '    },',
      '    {"id": "B-AUTH", "actor_needed": "Owner or Operator", "blocks": "cutover/apply/permit/activation/repoint",',
      '     "evidence_required": true, "after": ["B-BIRTH"], "evidence": "PC-8"},',
      '    {"id": "B-REAL", "actor_needed": ["Release  Manager", " owner "], "blocks": ["REAL_RUN", "Real Run"]}',
      '  ],',
      '  "resolved_in_this_macro": [],',
      '  "production_work_performed": false',
      '}',
      '',
    ].join('\n'));
    const { set, problems } = loadBlockerMaps([file]);
    expect(problems).toEqual([]);
    expect([...set.blockers.keys()]).toEqual(['B-BIRTH', 'B-AUTH', 'B-REAL']);
    expect(set.blockers.get('B-BIRTH')).toEqual({
      id: 'B-BIRTH', item: 'surface unknown', evidence: null, next_action: 'scope it',
      actor_needed: 'owner + operator (scope the exact surface; not invented)',
      tags: ['production'], roles: ['operator', 'owner'], mode: 'all', evidence_required: false, after: [],
      source: file, line: 5, where: `${file} line 5`,
    });
    expect(set.blockers.get('B-AUTH')).toMatchObject({
      item: null, evidence: 'PC-8', next_action: null, tags: ['activation', 'apply', 'cutover', 'permit', 'repoint'],
      roles: ['operator', 'owner'], mode: 'any', evidence_required: true, after: ['B-BIRTH'], line: 13,
    });
    expect(set.blockers.get('B-REAL')).toMatchObject({
      actor_needed: ['Release  Manager', ' owner '], tags: ['real-run'], roles: ['owner', 'release manager'], mode: 'all', line: 15,
    });
    expect(set.blockers.get('B-REAL')!.problem).toBeUndefined();
    expect(set.maps).toEqual([{ file, metadata: { doc: 'example', date: '2026-06-12', resolved_in_this_macro: [], production_work_performed: false } }]);
  });

  it('marks blockers no grant can resolve', () => {
    const file = put('load/problems.json', { blockers: [
      { id: 'B-NONE', actor_needed: '(nobody yet)', blocks: 'apply' },
      { id: 'B-AMBIG', actor_needed: 'owner + operator or auditor', blocks: 'apply' },
    ] });
    const { set, problems } = loadBlockerMaps([file]);
    expect(problems).toEqual([]);
    expect(set.blockers.get('B-NONE')).toMatchObject({ roles: [], problem: 'no-role' });
    expect(set.blockers.get('B-AMBIG')).toMatchObject({ roles: [], problem: 'ambiguous-actor' });
  });

  it('unions resolved_in_this_macro, remembering the first map that declared each id', () => {
    const a = put('resolved/a.json', { blockers: [{ id: 'B-1', actor_needed: 'owner', blocks: 'apply' }], resolved_in_this_macro: ['B-1', 'B-X'] });
    const b = put('resolved/b.json', { blockers: [], resolved_in_this_macro: ['B-X', 'B-2'] });
    const { set } = loadBlockerMaps([a, b]);
    expect([...set.resolved]).toEqual([['B-1', a], ['B-X', a], ['B-2', b]]);
  });

  it('the same id in two maps: equal objects are one blocker (from the first map)', () => {
    const a = put('same/a.json', { doc: 'a', blockers: [{ id: 'B-1', actor_needed: 'owner', blocks: 'apply', item: 'x', n: 1 }] });
    const b = put('same/b.json', { doc: 'b', blockers: [{ n: 1.0, item: 'x', blocks: 'apply', actor_needed: 'owner', id: 'B-1' }] });
    const { set, problems } = loadBlockerMaps([a, b]);
    expect(problems).toEqual([]);
    expect(set.blockers.size).toBe(1);
    expect(set.blockers.get('B-1')!.source).toBe(a);
    expect(set.maps.map((m) => m.file)).toEqual([a, b]);
  });

  it.each([
    ['another actor', { actor_needed: 'operator' }],
    ['an extra field', { note: 'also' }],
    ['a string where the other has an array', { blocks: ['apply'] }],
  ])('the same id in two maps with %s is map-conflict, naming both places', (_, change) => {
    const a = put('conflict/a.json', { blockers: [{ id: 'B-1', actor_needed: 'owner', blocks: 'apply' }] });
    const b = put(`conflict/b-${Object.keys(change)[0]}.json`, { blockers: [{ id: 'B-0', actor_needed: 'owner', blocks: 'x' }, { id: 'B-1', actor_needed: 'owner', blocks: 'apply', ...change }] });
    const { set, problems } = loadBlockerMaps([a, b]);
    expect(codesAndLines(problems)).toEqual([['map-conflict', b, 8]]);
    expect(problems[0]!.message).toContain(`${a} line 3`);
    expect(problems[0]!.message.startsWith(`${b} line 8: `)).toBe(true);
    // The first definition stands; the blocker is not silently replaced.
    expect(set.blockers.get('B-1')!.roles).toEqual(['owner']);
  });

  it('the same id twice in one map is map-conflict', () => {
    const file = put('conflict/twice.json', '{"blockers": [\n {"id": "B-1", "actor_needed": "owner", "blocks": "apply"},\n {"id": "B-1", "actor_needed": "owner", "blocks": "apply"}\n]}\n');
    const { problems } = loadBlockerMaps([file]);
    expect(codesAndLines(problems)).toEqual([['map-conflict', file, 3]]);
    expect(problems[0]!.message).toContain('line 2');
  });

  it('collects every problem of every file, and still loads the good ones', () => {
    const good = put('many/good.json', { blockers: [{ id: 'B-GOOD', actor_needed: 'owner', blocks: 'apply' }] });
    const parse = put('many/parse.json', '{"blockers": [\n');
    const schema = put('many/schema.json', '{\n  "blockers": [\n    {"id": "B-1", "blocks": 1},\n    {"id": "", "actor_needed": "owner", "blocks": "apply"}\n  ]\n}\n');
    const bom = put('many/bom.json', '\ufeff{"blockers": []}');
    const { set, problems } = loadBlockerMaps([good, parse, schema, bom]);
    expect(codesAndLines(problems)).toEqual([
      ['map-parse', parse, 2],
      ['map-schema', schema, 3],
      ['map-schema', schema, 3],
      ['map-schema', schema, 4],
      ['map-parse', bom, 1],
    ]);
    for (const p of problems) expect(p.message.startsWith(`${p.file} line ${p.line}: `), p.message).toBe(true);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/actor_needed[\s\S]*blocks[\s\S]*\/blockers\/1\/id/);
    expect([...set.blockers.keys()]).toEqual(['B-GOOD']);
  });

  it('a file that cannot be read is map-parse, naming it', () => {
    const { problems } = loadBlockerMaps([`${dir}/gone.json`]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'map-parse', file: `${dir}/gone.json` });
  });

  it('a blocker id such as __proto__ stays data', () => {
    const file = put('proto.json', '{"blockers": [{"id": "__proto__", "actor_needed": "owner", "blocks": "apply"}]}');
    const { set, problems } = loadBlockerMaps([file]);
    expect(problems).toEqual([]);
    expect(set.blockers.get('__proto__')!.roles).toEqual(['owner']);
  });
});
