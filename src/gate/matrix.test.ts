import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AT, FIX7 } from '../../test/support/fix7.js';
import { openGate } from './gate.js';

function mapFile(doc: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'blockgate-matrix-')), 'map.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('readiness: the matrix with its detail, on the one matrix path', () => {
  it('rows are the matrix; each decision is what check says for its cell', async () => {
    const gate = await openGate(FIX7);
    const readiness = gate.readiness({ at: AT, target: 'QT001' });
    expect(readiness.rows).toEqual(gate.matrix({ at: AT, target: 'QT001' }));
    expect(readiness.at).toBe('2026-11-25T12:00:00.000Z');
    expect(readiness.policy).toEqual(gate.policy);
    const cells = gate.cells({ at: AT, target: 'QT001' });
    expect(readiness.decisions).toEqual(cells.map((c) => gate.check(c)));
  });

  it('lists every loaded blocker by id, as its map defines it', async () => {
    const gate = await openGate(FIX7);
    const { blockers } = gate.readiness(AT);
    const ids = blockers.map((b) => b.id);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toContain('FIX7-P0-DRYRUN-PROD-ROLLBACK-1');
    expect(Object.keys(blockers[0]!)).toEqual([
      'id', 'item', 'next_action', 'actor_needed', 'blocks', 'required_roles', 'mode', 'evidence_required', 'after', 'source', 'line',
    ]);
  });

  it('a blocker lists its tags, roles and id in the order its denial does, where UTF-16 and UTF-8 orders differ', async () => {
    // U+E000 sorts before U+1F600 by UTF-8 bytes (as Rego sorts), after it by UTF-16 code units (as JS sort does).
    const [low, high] = ['\uE000', '\u{1F600}'];
    const file = mapFile({ blockers: [
      { id: `B-${high}`, actor_needed: `r${high} + r${low}`, blocks: [`t${high}`, 'apply', `t${low}`] },
      { id: `B-${low}`, actor_needed: 'owner', blocks: 'apply' },
    ] });
    const gate = await openGate({ blockers: [file] });
    const { blockers, decisions } = gate.readiness({ at: AT, actions: ['apply'], environments: ['staging'] });
    const denials = decisions[0]!.denials;
    expect(blockers.map((b) => b.id)).toEqual(denials.map((d) => d.blocker_id));
    expect(blockers.map((b) => b.id)).toEqual([`B-${low}`, `B-${high}`]);
    const info = blockers.find((b) => b.id === `B-${high}`)!;
    const denial = denials.find((d) => d.blocker_id === `B-${high}`)!;
    expect(info.blocks).toEqual(denial.blocks);
    expect(info.required_roles).toEqual(denial.required_roles);
    expect(info.blocks).toEqual(['apply', `t${low}`, `t${high}`]);
    expect(info.required_roles).toEqual([`r${low}`, `r${high}`]);
  });

  it('reports progress for each cell decided', async () => {
    const gate = await openGate(FIX7);
    const heard: string[] = [];
    const readiness = gate.readiness({ at: AT, actions: ['apply'] }, (phase, done, total) => heard.push(`${phase} ${done}/${total}`));
    expect(heard).toEqual(['deciding 1/3', 'deciding 2/3', 'deciding 3/3']);
    expect(readiness.rows).toHaveLength(3);
  });

  it('a bad time or name is the same error as for the matrix', async () => {
    const gate = await openGate(FIX7);
    expect(() => gate.readiness('tomorrow')).toThrow(expect.objectContaining({ code: 'bad-time' }));
    expect(() => gate.readiness({ actions: ['fly'] })).toThrow(expect.objectContaining({ code: 'unknown-action' }));
  });
});

describe('report: the readiness with plans and what was loaded', () => {
  it('plans every denied cell as plan does, and none for an allowed one', async () => {
    const gate = await openGate(FIX7);
    const heard: string[] = [];
    const report = gate.report(AT, (phase) => heard.push(phase));
    expect(report.rows).toEqual(gate.matrix(AT));
    report.rows.forEach((row, i) => {
      expect(report.plans[i]).toEqual(row.allowed ? null : gate.plan({ action: row.action, environment: row.environment, at: AT }));
    });
    const denied = report.rows.filter((r) => !r.allowed).length;
    expect(heard.filter((p) => p === 'planning')).toHaveLength(denied);
    expect(report.maps).toEqual(FIX7.blockers);
    expect(report.ledger).toEqual({ file: FIX7.ledger, entries: 6, verified: true });
  });

  it('without a ledger, says so', async () => {
    const gate = await openGate({ blockers: FIX7.blockers });
    expect(gate.report(AT).ledger).toEqual({ file: null, entries: 0, verified: true });
  });
});
