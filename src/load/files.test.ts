import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockgateError } from '../errors.js';
import { DEFAULT_CATALOG, loadCatalog } from '../inputs/catalog.js';
import { MAX_INPUT_BYTES, readInput, readInputFile, readStdin, readTextFile, singleUse } from './files.js';
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
    expect(directory.message).toBe(`${join(dir, 'a-dir')}: a directory, not a regular file`);
  });

  it('a missing file says "not found", a dangling link names its target, a loop says so', () => {
    expect(thrown(() => readTextFile(join(dir, 'absent.json'), 'trust-parse')).message).toBe(`${join(dir, 'absent.json')}: not found`);
    symlinkSync('../nowhere/prod.json', join(dir, 'dangling.json'));
    const dangling = thrown(() => readTextFile(join(dir, 'dangling.json'), 'map-parse'));
    expect([dangling.code, dangling.file, dangling.message]).toEqual(['map-parse', join(dir, 'dangling.json'),
      `${join(dir, 'dangling.json')}: a dangling symbolic link (to ../nowhere/prod.json): what it points to does not exist`]);
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    expect(thrown(() => readTextFile(join(dir, 'loop-a'), 'catalog-parse')).message).toBe(`${join(dir, 'loop-a')}: a symbolic link loop: it never reaches a file`);
  });

  it('a link to a file is followed; a link to a directory is a directory', () => {
    symlinkSync(put('target.json', '{}'), join(dir, 'to-file.json'));
    expect(readTextFile(join(dir, 'to-file.json'), 'map-parse')).toBe('{}');
    mkdirSync(join(dir, 'target-dir'));
    symlinkSync('target-dir', join(dir, 'to-dir.json'));
    expect(thrown(() => readTextFile(join(dir, 'to-dir.json'), 'map-parse')).message).toBe(`${join(dir, 'to-dir.json')}: a directory, not a regular file`);
  });

  it('a FIFO with no writer is refused at once, not waited on for ever', () => {
    const fifo = join(dir, 'no-writer.fifo');
    execFileSync('mkfifo', [fifo]);
    const e = thrown(() => readTextFile(fifo, 'ledger-schema'));
    expect([e.code, e.message]).toEqual(['ledger-schema', `${fifo}: a FIFO (named pipe), not a regular file`]);
  });

  it('a FIFO with a writer holding it open is refused too, not read', async () => {
    const fifo = join(dir, 'with-writer.fifo');
    execFileSync('mkfifo', [fifo]);
    // The writer blocks in open until a reader comes; readTextFile is that reader.
    const writer = spawn('sh', ['-c', `printf '{}' > '${fifo}'; sleep 30`], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 50));
      expect(thrown(() => readTextFile(fifo, 'map-parse')).message).toBe(`${fifo}: a FIFO (named pipe), not a regular file`);
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it('a device that never ends (/dev/zero) is refused, not read', () => {
    expect(thrown(() => readTextFile('/dev/zero', 'io')).message).toBe('/dev/zero: a device, not a regular file');
  });

  it('a file over the limit (sparse, so cheap) is refused from its size alone, naming the path and the limit', () => {
    const big = join(dir, 'sparse.jsonl');
    writeFileSync(big, '');
    truncateSync(big, MAX_INPUT_BYTES + 1);
    const e = thrown(() => readTextFile(big, 'ledger-schema'));
    expect([e.code, e.message]).toEqual(['ledger-schema', `${big}: ${MAX_INPUT_BYTES + 1} bytes is over the ${MAX_INPUT_BYTES}-byte limit for an input file`]);
    truncateSync(big, MAX_INPUT_BYTES);
    expect(readTextFile(big, 'ledger-schema')).toHaveLength(MAX_INPUT_BYTES);
  });

  it('an empty file is read as empty text (the reader of each format refuses it)', () => {
    expect(readTextFile(put('empty.json', ''), 'map-parse')).toBe('');
  });

  // Root reads any file whatever its mode bits, so there is no unreadable file to make as root.
  it.skipIf(process.getuid?.() === 0)('a file without read permission is the given code, saying so', () => {
    const locked = put('locked.json', '{}');
    chmodSync(locked, 0o000);
    expect(thrown(() => readTextFile(locked, 'trust-parse')).message).toBe(`${locked}: cannot read: permission denied (EACCES)`);
  });
});

describe('readInputFile', () => {
  it('gives the bytes as they are (no decoding), with the same refusals as readTextFile', () => {
    expect(readInputFile(put('binary.wasm', Buffer.from([0x00, 0x61, 0x73, 0x6d, 0xff])), 'bundle-seal')).toEqual(Buffer.from([0x00, 0x61, 0x73, 0x6d, 0xff]));
    const fifo = join(dir, 'bundle.fifo');
    execFileSync('mkfifo', [fifo]);
    const e = thrown(() => readInputFile(fifo, 'bundle-seal'));
    expect([e.code, e.message]).toEqual(['bundle-seal', `${fifo}: a FIFO (named pipe), not a regular file`]);
  });
});

describe('standard input', () => {
  it('"-" reads the injected reader, named (stdin); any other path is a file', () => {
    expect(readInput('-', 'map-parse', () => 'text')).toEqual({ text: 'text', name: '(stdin)' });
    const file = put('dash-is-not.json', 'file');
    expect(readInput(file, 'map-parse', () => 'text')).toEqual({ text: 'file', name: file });
  });

  it('bytes are checked as UTF-8 and sized like a file', () => {
    expect(readStdin('ledger-schema', () => Buffer.from('é\n'))).toBe('é\n');
    const bad = thrown(() => readStdin('ledger-schema', () => Buffer.from([0x61, 0x0a, 0xc3])));
    expect([bad.code, bad.message]).toEqual(['ledger-schema', '(stdin) line 2: not valid UTF-8']);
    const big = thrown(() => readStdin('map-parse', () => new Uint8Array(MAX_INPUT_BYTES + 1)));
    expect([big.code, big.message]).toEqual(['map-parse', `(stdin): more than ${MAX_INPUT_BYTES} bytes is over the ${MAX_INPUT_BYTES}-byte limit for an input file`]);
  });

  it('no reader is usage; a single-use reader refuses a second read', () => {
    expect(thrown(() => readStdin('map-parse', undefined)).code).toBe('usage');
    const once = singleUse(() => 'x');
    expect(once()).toBe('x');
    const again = thrown(() => once());
    expect([again.code, again.message]).toEqual(['usage', "standard input was already read for an earlier '-'; give '-' once"]);
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
