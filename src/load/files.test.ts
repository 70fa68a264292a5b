import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockgateError } from '../errors.js';
import { DEFAULT_CATALOG, loadCatalog } from './catalog.js';
import { readTextFile } from './files.js';
import { thrown } from '../../test/support/thrown.js';

const dir = mkdtempSync(join(tmpdir(), 'blockgate-files-'));
const put = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};


describe('readTextFile', () => {
  it('reads UTF-8 text as it is', () => {
    expect(readTextFile(put('ok.json', '{"é": "€ 😀"}\n'), 'map-parse')).toBe('{"é": "€ 😀"}\n');
  });

  it('keeps a leading byte order mark, so the JSON reader can refuse it', () => {
    expect(readTextFile(put('bom.json', '\ufeff{}'), 'map-parse')).toBe('\ufeff{}');
  });

  it('invalid UTF-8 is the given code, naming the file and the first bad line', () => {
    const file = put('latin1.json', Buffer.concat([Buffer.from('{\n"a": "ok",\n"b": "caf'), Buffer.from([0xe9]), Buffer.from('"\n}\n')]));
    const e = thrown(() => readTextFile(file, 'trust-parse'));
    expect(e.code).toBe('trust-parse');
    expect(e.line).toBe(3);
    expect(e.message).toBe(`${file} line 3: not valid UTF-8`);
  });

  it('an encoded surrogate (CESU-8) is not valid UTF-8', () => {
    const file = put('cesu.json', Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]));
    expect(thrown(() => readTextFile(file, 'map-parse')).line).toBe(1);
  });

  it('a missing file or a directory is the given code, naming the path', () => {
    const missing = thrown(() => readTextFile(join(dir, 'nope.jsonl'), 'ledger-schema'));
    expect(missing.code).toBe('ledger-schema');
    expect(missing.message).toContain(join(dir, 'nope.jsonl'));
    mkdirSync(join(dir, 'a-dir'));
    const directory = thrown(() => readTextFile(join(dir, 'a-dir'), 'catalog-parse'));
    expect(directory.code).toBe('catalog-parse');
    expect(directory.message).toContain('not a regular file');
  });
});

describe('loadCatalog', () => {
  it('no file: the SPEC 1.3 defaults', () => {
    expect(loadCatalog(undefined)).toEqual({
      actions: {
        apply: { tags: ['apply'] }, cutover: { tags: ['cutover'] }, permit: { tags: ['permit'] }, activation: { tags: ['activation'] },
        repoint: { tags: ['repoint'] }, 'real-run': { tags: ['real-run'] }, 'ci-enforcement': { tags: ['production-ci'] },
      },
      environments: { production: { tags: ['production'] }, staging: { tags: [] }, development: { tags: [] } },
    });
    expect(loadCatalog(undefined)).toBe(DEFAULT_CATALOG);
  });

  it('a catalog file replaces the defaults; its tags are normalised like blocks tags', () => {
    const file = put('catalog.json', JSON.stringify({ actions: { Ship: { tags: ['Deploy_Prod', ' apply ', 'apply'] } }, environments: { eu: { tags: ['EU West'] } } }));
    expect(loadCatalog(file)).toEqual({ actions: { Ship: { tags: ['apply', 'deploy-prod'] } }, environments: { eu: { tags: ['eu-west'] } } });
  });

  it('catalog-parse and catalog-schema name the file and line', () => {
    const parse = thrown(() => loadCatalog(put('broken.json', '{\n"actions": {}\n"environments": {}}')));
    expect([parse.code, parse.line]).toEqual(['catalog-parse', 3]);
    const schema = thrown(() => loadCatalog(put('schema.json', '{\n"actions": {},\n"environments": {"x": {"tags": [true]}}}')));
    expect([schema.code, schema.line]).toEqual(['catalog-schema', 3]);
    expect(schema.message).toContain('schema.json line 3');
  });
});
