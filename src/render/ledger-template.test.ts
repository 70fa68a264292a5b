import { describe, expect, it } from 'vitest';
import { parseJson } from '../load/json.js';
import { validateHypotheticalEntry } from '../schema/schemas.js';
import { PLAN } from '../../test/support/render-samples.js';
import { templateEntries } from '../gate/template.js';
import type { Plan } from '../gate/types.js';
import { ledgerTemplate, templateNotes } from './ledger-template.js';

const at = '2026-11-25T12:00:00.000Z';
const templateOf = (plan: Plan, takenIds: ReadonlySet<string> = new Set()) => ({ plan, entries: templateEntries(plan, { issuedAt: at, takenIds }) });

describe('ledger template', () => {
  it('one unsigned grant per planned role, issued at the request time, evidence left to fill where required', () => {
    const text = ledgerTemplate(templateOf(PLAN));
    expect(text).toBe(
      '{"id":"PLAN-operator-1","type":"grant","role":"operator","issued_at":"2026-11-25T12:00:00.000Z","action":"apply","environment":"production","resolves":["B-1","B-2"],"evidence":[]}\n'
      + '{"id":"PLAN-owner-1","type":"grant","role":"owner","issued_at":"2026-11-25T12:00:00.000Z","action":"apply","environment":"production","resolves":["B-1"]}\n',
    );
  });

  it('every line is a valid entry without envelope (what ledger append and what-if --add take)', () => {
    const text = ledgerTemplate(templateOf({ ...PLAN, grants_needed: PLAN.grants_needed.map((g) => ({ ...g, target: 'QT001' })) }));
    for (const line of text.trimEnd().split('\n')) {
      expect(validateHypotheticalEntry(parseJson(line, 't.jsonl', { code: 'ledger-schema' }), 't.jsonl')).toEqual([]);
      expect(JSON.parse(line).target).toBe('QT001');
    }
  });

  it('nothing to grant, nothing printed', () => {
    expect(ledgerTemplate(templateOf({ allowed: true, grants_needed: [], unresolvable: [] }))).toBe('');
  });

  it('notes say what to fill in, what no entry closes, and when nothing is needed', () => {
    expect(templateNotes(templateOf(PLAN))).toEqual(['PLAN-operator-1: fill in "evidence" ([{"uri": ..., "sha256": <64 hex>}]) before appending']);
    expect(templateNotes(templateOf({ allowed: false, grants_needed: [], unresolvable: [{ blocker_id: 'B-9', reason: 'no-role' }] }))).toEqual([
      'warning: B-9 cannot be closed by any grant (no-role); these entries will not allow the request',
    ]);
    expect(templateNotes(templateOf({ allowed: true, grants_needed: [], unresolvable: [] }))).toEqual(['nothing to grant: the request is already allowed']);
  });
});
