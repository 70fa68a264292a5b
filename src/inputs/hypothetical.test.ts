import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../test/support/thrown.js';
import { readHypotheticalInput } from './hypothetical.js';

describe('reading a what-if --add file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-hypothetical-'));

  it('reads a file as text, named by its path', () => {
    const file = join(dir, 'add.jsonl');
    writeFileSync(file, '{"id":"H-1"}\n');
    expect(readHypotheticalInput(file, undefined)).toEqual({ text: '{"id":"H-1"}\n', name: file });
  });

  it('- is standard input, named (stdin)', () => {
    expect(readHypotheticalInput('-', () => Buffer.from('{"id":"H-2"}\n'))).toEqual({ text: '{"id":"H-2"}\n', name: '(stdin)' });
  });

  it('a missing file is ledger-schema naming it; - without standard input is usage', () => {
    const missing = join(dir, 'missing.jsonl');
    const e = thrown(() => readHypotheticalInput(missing, undefined));
    expect(e.code).toBe('ledger-schema');
    expect(e.message).toContain(missing);
    expect(thrown(() => readHypotheticalInput('-', undefined)).code).toBe('usage');
  });
});
