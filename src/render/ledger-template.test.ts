import { describe, expect, it } from 'vitest';
import { parseJson } from '../load/json.js';
import { validateHypotheticalEntry } from '../schema/schemas.js';
import { PLAN } from '../../test/support/render-samples.js';
import { ledgerTemplate, templateEntries } from './ledger-template.js';

describe('ledger template', () => {
  const at = '2026-11-25T12:00:00.000Z';

  it('one unsigned grant per planned role, issued at the request time, evidence left to fill where required', () => {
    const text = ledgerTemplate(PLAN, { issuedAt: at, takenIds: new Set() });
    expect(text).toBe(
      '{"id":"PLAN-operator-1","type":"grant","role":"operator","issued_at":"2026-11-25T12:00:00.000Z","action":"apply","environment":"production","resolves":["B-1","B-2"],"evidence":[]}\n'
      + '{"id":"PLAN-owner-1","type":"grant","role":"owner","issued_at":"2026-11-25T12:00:00.000Z","action":"apply","environment":"production","resolves":["B-1"]}\n',
    );
  });

  it('every line is a valid entry without envelope (what ledger append and what-if --add take)', () => {
    const text = ledgerTemplate({ ...PLAN, grants_needed: PLAN.grants_needed.map((g) => ({ ...g, target: 'QT001' })) }, { issuedAt: at, takenIds: new Set() });
    for (const line of text.trimEnd().split('\n')) {
      expect(validateHypotheticalEntry(parseJson(line, 't.jsonl', { code: 'ledger-schema' }), 't.jsonl')).toEqual([]);
      expect(JSON.parse(line).target).toBe('QT001');
    }
  });

  it('ids never collide with the ledger, nor with each other; white space in a role becomes -', () => {
    const plan = {
      ...PLAN,
      grants_needed: [
        { ...PLAN.grants_needed[0]!, role: 'release manager' },
        { ...PLAN.grants_needed[1]! },
      ],
    };
    const ids = templateEntries(plan, { issuedAt: at, takenIds: new Set(['PLAN-owner-1', 'PLAN-owner-2', 'PLAN-release-manager-1']) }).map((e) => e.id);
    expect(ids).toEqual(['PLAN-release-manager-2', 'PLAN-owner-3']);
  });

  it('nothing to grant, nothing printed', () => {
    expect(ledgerTemplate({ allowed: true, grants_needed: [], unresolvable: [] }, { issuedAt: at, takenIds: new Set() })).toBe('');
  });
});
