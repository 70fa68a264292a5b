// Issue 12: matrix and what-if take --target and repeatable --action/--env (SPEC 3), and a
// what-if change is every cell whose allowed state or set of denying ids differs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockgate } from '../support/cli.js';

const INPUTS = ['--blockers', 'fixtures/fix7/production-readiness-blocker-map.json', '--ledger', 'fixtures/fix7/grants.jsonl',
  '--trust', 'fixtures/trust.test-only.json', '--at', '2026-11-25T12:00:00Z'];
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('matrix --action/--env/--target', () => {
  it('restricts the rows to the actions and environments named (each repeatable)', async () => {
    const r = await blockgate(['matrix', ...INPUTS, '--action', 'apply', '--action', 'cutover', '--env', 'production', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.json.matrix.map((c: { action: string; environment: string }) => `${c.action}/${c.environment}`)).toEqual(['apply/production', 'cutover/production']);
  });

  it('--target with --env: the rows of that environment only', async () => {
    const r = await blockgate(['matrix', ...INPUTS, '--target', 'QT001', '--env', 'production']);
    expect(r.code).toBe(0);
    const all = await blockgate(['matrix', ...INPUTS, '--format', 'json']);
    const some = await blockgate(['matrix', ...INPUTS, '--target', 'QT001', '--env', 'production', '--format', 'json']);
    expect(some.json.matrix.length).toBeLessThan(all.json.matrix.length);
    expect(some.json.matrix.every((c: { environment: string }) => c.environment === 'production')).toBe(true);
  });

  it('an unknown action or environment is the same error as check: exit 3', async () => {
    for (const command of ['matrix', 'what-if']) {
      let r = await blockgate([command, ...INPUTS, '--action', 'aply']);
      const c = await blockgate(['check', ...INPUTS, '--action', 'aply', '--env', 'production']);
      expect(r.code).toBe(3);
      expect(oneLine(r.stderr)).toBe(oneLine(c.stderr));
      expect(r.stderr).toMatch(/unknown-action: unknown action 'aply'/);
      r = await blockgate([command, ...INPUTS, '--env', 'prod', '--format', 'json']);
      expect(r.code).toBe(3);
      expect(r.json.error.code).toBe('unknown-environment');
    }
  });

  it('check still takes --action once: a second is usage, exit 1', async () => {
    const r = await blockgate(['check', ...INPUTS, '--action', 'apply', '--action', 'plan', '--env', 'production']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('error usage: --action was given 2 times; give it once');
  });

  it('--target takes no flag as its value: usage, exit 1', async () => {
    const r = await blockgate(['matrix', ...INPUTS, '--target', '--help']);
    expect(r.code).toBe(1);
  });
});

describe('what-if', () => {
  it('takes --target, --action and --env like matrix', async () => {
    const r = await blockgate(['what-if', ...INPUTS, '--target', 'QT001', '--action', 'apply', '--env', 'production', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.json.before).toHaveLength(1);
    expect(r.json.before[0]).toMatchObject({ action: 'apply', environment: 'production' });
    // Every cell is decided for the target: a change names it.
    const revoked = await blockgate(['what-if', ...INPUTS, '--target', 'QT001', '--action', 'apply', '--env', 'production', '--revoke', 'G-OPERATOR-APPLY-1', '--format', 'json']);
    expect(revoked.json.changes.map((c: { target: string }) => c.target)).toEqual(['QT001']);
  });

  it('a revoke that adds a denying id to a denied cell is a change (denied by n -> n+1)', async () => {
    const cell = ['--action', 'apply', '--env', 'production'];
    const r = await blockgate(['what-if', ...INPUTS, ...cell, '--revoke', 'G-OPERATOR-APPLY-1', '--format', 'json']);
    expect(r.code).toBe(0);
    expect([r.json.before[0].allowed, r.json.after[0].allowed]).toEqual([false, false]);
    expect(r.json.after[0].denials.length).toBeGreaterThan(r.json.before[0].denials.length);
    expect(r.json.changes).toHaveLength(1);
    expect(r.json.changes[0]).toMatchObject({ action: 'apply', environment: 'production', target: null, before: false, after: false, denials_removed: [] });
    expect(r.json.changes[0].denials_added.length).toBeGreaterThan(0);
    const text = await blockgate(['what-if', ...INPUTS, ...cell, '--revoke', 'G-OPERATOR-APPLY-1']);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(/No cell changes/);
    for (const id of r.json.changes[0].denials_added) expect(text.stdout).toContain(id);
  });
});

describe('a blocker applies when any of its tags meets the request (SPEC 2.2; the README example)', () => {
  it('"apply/production" blocks every apply and every production action, not only apply in production', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bg-either-')), 'either.json');
    writeFileSync(file, JSON.stringify({ blockers: [{ id: 'B-1', actor_needed: 'owner', blocks: 'apply/production' }] }));
    const r = await blockgate(['matrix', '--blockers', file, '--action', 'apply', '--action', 'cutover', '--env', 'production', '--env', 'staging', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.json.matrix.map((c: { action: string; environment: string; allowed: boolean }) => [`${c.action}@${c.environment}`, c.allowed])).toEqual([
      ['apply@production', false], ['apply@staging', false], ['cutover@production', false], ['cutover@staging', true],
    ]);
  });
});
