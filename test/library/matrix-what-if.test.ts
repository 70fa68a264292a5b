// SPEC 3 (changed): matrix and what-if decide every cell for one target, restricted to named
// actions and environments; a what-if change is every cell whose allowed or denying ids differ.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openGate } from '../../src/index.js';
import { ROOT } from '../support/cli.js';

const FIX7 = {
  blockers: [`${ROOT}fixtures/fix7/production-readiness-blocker-map.json`],
  ledger: `${ROOT}fixtures/fix7/grants.jsonl`,
  trust: `${ROOT}fixtures/trust.test-only.json`,
};
const AT = '2026-11-25T12:00:00Z';

function addFile(lines: object[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-h7-whatif-'));
  const file = join(dir, 'add.jsonl');
  writeFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return file;
}

/** An operator grant for QT001 only that closes the one blocker still denying apply@production. */
const ROLLBACK_FOR_QT001 = {
  type: 'grant', id: 'H-ROLLBACK-QT001', role: 'operator', issued_at: '2026-11-24T00:00:00Z',
  action: 'apply', environment: 'production', target: 'QT001', resolves: ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1'],
};

describe('matrix: target and restricted rows', () => {
  it('restricts rows to the named actions and environments, in the matrix order, each once', async () => {
    const gate = await openGate(FIX7);
    const rows = gate.matrix({ at: AT, actions: ['real-run', 'apply', 'apply'], environments: ['staging', 'production'] });
    expect(rows.map((r) => `${r.action}@${r.environment}`)).toEqual(['apply@production', 'apply@staging', 'real-run@production', 'real-run@staging']);
    const all = gate.matrix({ at: AT });
    for (const row of rows) expect(all).toContainEqual(row);
    expect(gate.matrix({ at: AT, environments: ['development'] })).toHaveLength(7);
  });

  it('decides every cell for the target, as check does for each', async () => {
    const gate = await openGate(FIX7);
    const cells = gate.cells({ at: AT, target: 'QT001' });
    expect(cells).toHaveLength(21);
    expect(cells.every((c) => c.target === 'QT001' && c.at === Date.parse(AT))).toBe(true);
    const rows = gate.matrix({ at: AT, target: 'QT001' });
    rows.forEach((row, i) => {
      const d = gate.check(cells[i]!);
      expect(d.request.target).toBe('QT001');
      expect(row).toEqual({ action: cells[i]!.action, environment: cells[i]!.environment, allowed: d.allowed, denials: d.denials.map((x) => x.blocker_id) });
    });
  });

  it('cells without a target have target null, and a null target is none', async () => {
    const gate = await openGate(FIX7);
    expect(gate.cells({ at: AT }).every((c) => c.target === null)).toBe(true);
    expect(gate.matrix({ at: AT, target: null })).toEqual(gate.matrix({ at: AT }));
  });
});

describe('what-if: changes by denials, and targets', () => {
  it('a change whose allowed stays false but whose denials grow is listed, with the ids added', async () => {
    const gate = await openGate(FIX7);
    const w = gate.whatIf({ revoke: ['G-OWNER-APPLY-1'], at: AT, actions: ['apply'], environments: ['production'] });
    expect(w.before).toEqual([{ action: 'apply', environment: 'production', allowed: false, denials: ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1'] }]);
    expect(w.changes).toEqual([{
      action: 'apply', environment: 'production', target: null, before: false, after: false,
      denials_added: ['FIX7-P0-PLAN-SEPARATE-AUTH-1', 'FIX7-P0-PROD-BIRTH-SURFACE-1', 'FIX7-P0-PROD-OPT4-1'],
      denials_removed: [],
    }]);
    expect(Object.keys(w.changes[0]!)).toEqual(['action', 'environment', 'target', 'before', 'after', 'denials_added', 'denials_removed']);
  });

  it('every change is a cell whose allowed or denying ids differ, and every such cell is a change', async () => {
    const gate = await openGate(FIX7);
    const w = gate.whatIf({ revoke: ['G-OWNER-APPLY-1', 'G-OPERATOR-APPLY-1', 'G-OWNER-REALRUN-1'], at: AT });
    const differing = w.before.flatMap((row, i) => {
      const next = w.after[i]!;
      const same = row.allowed === next.allowed && [...row.denials].sort().join() === [...next.denials].sort().join();
      return same ? [] : [`${row.action}@${row.environment}`];
    });
    expect(w.changes.map((c) => `${c.action}@${c.environment}`)).toEqual(differing);
    expect(differing.length).toBeGreaterThan(1);
    for (const c of w.changes) {
      const i = w.before.findIndex((r) => r.action === c.action && r.environment === c.environment);
      expect(c.denials_added).toEqual(w.after[i]!.denials.filter((id) => !w.before[i]!.denials.includes(id)));
      expect(c.denials_removed).toEqual(w.before[i]!.denials.filter((id) => !w.after[i]!.denials.includes(id)));
    }
  });

  it('a grant for one target changes that target\'s matrix and not the untargeted one', async () => {
    const gate = await openGate(FIX7);
    const add = addFile([ROLLBACK_FOR_QT001]);
    const untargeted = gate.whatIf({ add, at: AT });
    expect(untargeted.changes).toEqual([]);
    const targeted = gate.whatIf({ add, at: AT, target: 'QT001' });
    expect(targeted.changes).toEqual([{
      action: 'apply', environment: 'production', target: 'QT001', before: false, after: true,
      denials_added: [], denials_removed: ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1'],
    }]);
    expect(targeted.before).toEqual(gate.matrix({ at: AT, target: 'QT001' }));
    expect(gate.whatIf({ add, at: AT, target: 'QT002' }).changes).toEqual([]);
  });

  it('restricts before, after and changes to the named rows', async () => {
    const gate = await openGate(FIX7);
    const add = addFile([ROLLBACK_FOR_QT001]);
    const w = gate.whatIf({ add, at: AT, target: 'QT001', actions: ['apply'], environments: ['production', 'staging'] });
    expect(w.before.map((r) => `${r.action}@${r.environment}`)).toEqual(['apply@production', 'apply@staging']);
    expect(w.after.map((r) => `${r.action}@${r.environment}`)).toEqual(['apply@production', 'apply@staging']);
    expect(w.changes.map((c) => c.environment)).toEqual(['production']);
    expect(gate.whatIf({ add, at: AT, target: 'QT001', actions: ['cutover'] }).changes).toEqual([]);
  });
});
