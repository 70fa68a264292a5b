// The server answers a rule's denial like a blocker's (SPEC 6), and its decision log records it:
// nothing on the way (the live gate, the HTTP answer, the log line) drops kind or a null field.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AT, FIX7 } from '../../test/support/fix7.js';
import { writeRulesDir } from '../../test/rules-bundle/rules-dir.js';
import { readDecisionLog } from '../decision-log/reader.js';
import { DecisionLog } from '../decision-log/writer.js';
import { openGate } from '../gate/gate.js';
import { buildRules } from '../rules/build.js';
import { buildApp } from './app.js';
import { LiveGate } from '../live-gate.js';

const OPA = new URL('../../.tools/bin/opa', import.meta.url).pathname;
const RULE = `package blockgate.rules

deny contains {"id": "NO-APPLY", "message": "no apply today"} if input.action == "apply"
`;
const APPLY = { action: 'apply', environment: 'production', at: AT };

let app: ReturnType<typeof buildApp>;
let log: DecisionLog;
let ruleFile: string;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'bg-server-rules-'));
  const rules = writeRulesDir(root, { 'no-apply.rego': RULE });
  ruleFile = join(rules, 'no-apply.rego');
  await buildRules({ rules, out: join(root, 'out'), opa: OPA });
  const options = { ...FIX7, bundleDir: join(root, 'out') };
  log = await DecisionLog.open(join(root, 'decisions.jsonl'));
  app = buildApp({ live: new LiveGate(options, await openGate(options), 0, () => 'unchanged'), decisionLog: log });
});
afterAll(async () => { await app.close(); });

describe('the server and a rule denial', () => {
  it('answers the decision with the rule denial whole (kind rule, null mode and actor), plans it as unresolvable, and logs its id', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/data/blockgate/decision', payload: { input: APPLY } });
    expect(res.statusCode).toBe(200);
    const denials = res.json().result.denials as Array<Record<string, unknown>>;
    expect(denials.find((d) => d.blocker_id === 'NO-APPLY')).toEqual({
      kind: 'rule', blocker_id: 'NO-APPLY', item: 'no apply today', next_action: null, actor_needed: null,
      blocks: [], required_roles: [], mode: null, missing_roles: [], reasons: ['rule'], source: ruleFile,
    });
    expect(denials.filter((d) => d.blocker_id !== 'NO-APPLY').every((d) => d.kind === 'blocker')).toBe(true);
    const plan = await app.inject({ method: 'POST', url: '/v1/data/blockgate/plan', payload: { input: APPLY } });
    expect(plan.json().result.unresolvable).toContainEqual({ blocker_id: 'NO-APPLY', reason: 'rule' });
    await log.close();
    const logged = readDecisionLog(log.file);
    expect(logged.problems).toEqual([]);
    expect(logged.decisions.map(({ record }) => record.denials)).toEqual([denials.map((d) => d.blocker_id)]);
  });
});
