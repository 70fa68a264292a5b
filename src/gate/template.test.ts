import { describe, expect, it } from 'vitest';
import { AT, FIX7 } from '../../test/support/fix7.js';
import { PLAN } from '../../test/support/render-samples.js';
import { openGate } from './gate.js';
import { templateEntries } from './template.js';

describe('plan template', () => {
  it('ids never collide with the ledger, nor with each other; white space in a role becomes -', () => {
    const plan = {
      ...PLAN,
      grants_needed: [
        { ...PLAN.grants_needed[0]!, role: 'release manager' },
        { ...PLAN.grants_needed[1]! },
      ],
    };
    const ids = templateEntries(plan, { issuedAt: AT, takenIds: new Set(['PLAN-owner-1', 'PLAN-owner-2', 'PLAN-release-manager-1']) }).map((e) => e.id);
    expect(ids).toEqual(['PLAN-release-manager-2', 'PLAN-owner-3']);
  });

  it('a gate gives the plan and its entries at the request time, one entry per planned grant', async () => {
    const gate = await openGate(FIX7);
    const request = { action: 'apply', environment: 'production', at: AT };
    const { plan, entries } = gate.planTemplate(request);
    expect(plan).toEqual(gate.plan(request));
    expect(entries.map((e) => [e.role, e.issued_at, e.resolves])).toEqual(plan.grants_needed.map((g) => [g.role, '2026-11-25T12:00:00.000Z', g.resolves]));
    expect(entries.length).toBeGreaterThan(0);
  });

  it('one instant when no time is given: every entry is issued at the same now', async () => {
    const gate = await openGate({ blockers: FIX7.blockers });
    const { entries } = gate.planTemplate({ action: 'apply', environment: 'production' });
    expect(new Set(entries.map((e) => e.issued_at)).size).toBe(1);
  });

  it('a bad request is refused as plan refuses it', async () => {
    const gate = await openGate(FIX7);
    expect(() => gate.planTemplate({ action: 'fly', environment: 'production' })).toThrow(expect.objectContaining({ code: 'unknown-action' }));
  });
});
