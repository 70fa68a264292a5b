import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AT, FIX7 } from '../../test/support/fix7.js';
import { openGate } from './gate.js';

const ROLLBACK = {
  type: 'grant', id: 'H-1', role: 'operator', issued_at: '2026-11-24T00:00:00Z',
  action: 'apply', environment: 'production', resolves: ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1'],
};
const jsonl = (lines: object[]) => lines.map((l) => `${JSON.stringify(l)}\n`).join('');

function addFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'blockgate-what-if-')), 'add.jsonl');
  writeFileSync(file, text);
  return file;
}

describe('what-if', () => {
  it('whatIfReadiness is whatIf with the policy and the loaded blockers beside it', async () => {
    const gate = await openGate(FIX7);
    const options = { add: addFile(jsonl([ROLLBACK])), at: AT };
    const full = gate.whatIfReadiness(options);
    const { before, after, changes } = full;
    expect({ before, after, changes }).toEqual(gate.whatIf(options));
    expect(Object.keys(gate.whatIf(options))).toEqual(['before', 'after', 'changes']);
    expect(full.policy).toEqual(gate.policy);
    expect(full.at).toBe('2026-11-25T12:00:00.000Z');
    expect(full.blockers).toEqual(gate.readiness(AT).blockers);
    expect(changes).toContainEqual(expect.objectContaining({ action: 'apply', environment: 'production', before: false, after: true }));
  });

  it('reads the --add entries from the gate\'s standard input for -', async () => {
    const gate = await openGate({ ...FIX7, stdin: () => jsonl([ROLLBACK]) });
    expect(gate.whatIf({ add: '-', at: AT })).toEqual(gate.whatIf({ add: addFile(jsonl([ROLLBACK])), at: AT }));
  });

  it('checks the cells before reading the --add file: a bad time is bad-time, whatever the file holds', async () => {
    const gate = await openGate(FIX7);
    expect(() => gate.whatIf({ add: addFile('not json\n'), at: 'tomorrow' })).toThrow(expect.objectContaining({ code: 'bad-time' }));
    expect(() => gate.whatIf({ add: addFile('not json\n'), at: AT })).toThrow(expect.objectContaining({ code: 'ledger-schema' }));
    expect(() => gate.whatIf({ add: join(tmpdir(), 'blockgate-no-such-add.jsonl'), at: AT })).toThrow(expect.objectContaining({ code: 'ledger-schema' }));
  });

  it('a revoke of a grant that exists nowhere is refused, never ignored', async () => {
    const gate = await openGate(FIX7);
    expect(() => gate.whatIf({ revoke: ['G-NONE'], at: AT })).toThrow(expect.objectContaining({
      code: 'ledger-dangling-revoke', message: '--revoke "G-NONE": no grant with this id in the ledger or the --add file',
    }));
  });
});
