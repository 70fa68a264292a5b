// What must agree: (a) host + bundle, (b) opa eval, (c) the model; and the plan's promise.

import { isDeepStrictEqual } from 'node:util';
import type { PolicyDecision, PolicyPlan } from '../../src/engine/results.js';
import type { HostAnswer } from './host.js';
import { compareCodePoints, sortedUnique, type ModelDecision, type ModelWarning } from './model.js';

const show = (v: unknown) => JSON.stringify(v);

type Denial = PolicyDecision['denials'][number];
const kindOf = (d: Denial): string | undefined => (d as { kind?: string }).kind;
const isRuleDenial = (d: Denial) => kindOf(d) === 'rule';

/** (a) against (c): allowed, denials (every SPEC 2.4 field), satisfied, ignored grants, warnings. */
export function compareWithModel(host: PolicyDecision, model: ModelDecision): string[] {
  const out: string[] = [];
  if (host.allowed !== model.allowed) out.push(`allowed: bundle ${host.allowed}, model ${model.allowed}`);
  const hostDenials = host.denials.map((d) => ({
    // SPEC 6: every denial names its kind ("blocker" or "rule").
    ...(kindOf(d) !== undefined ? { kind: kindOf(d) } : {}),
    blocker_id: d.blocker_id, item: d.item, next_action: d.next_action, actor_needed: d.actor_needed,
    source: d.source.slice(d.source.lastIndexOf('/') + 1), blocks: d.blocks, required_roles: d.required_roles, mode: d.mode, missing_roles: d.missing_roles, reasons: d.reasons,
  }));
  if (!isDeepStrictEqual(hostDenials, model.denials)) out.push(`denials: bundle ${show(hostDenials)}, model ${show(model.denials)}`);
  if (!isDeepStrictEqual(host.satisfied, model.satisfied)) out.push(`satisfied: bundle ${show(host.satisfied)}, model ${show(model.satisfied)}`);
  // SPEC fixes no order for ignored grants: compared as sets.
  const key = (g: { grant_id: string; reason: string; blocker_ids: string[] }) => show([g.grant_id, g.reason, g.blocker_ids]);
  const hostIgnored = sortedUnique(host.ignored_grants.map(key));
  const modelIgnored = sortedUnique(model.ignored_grants.map(key));
  if (!isDeepStrictEqual(hostIgnored, modelIgnored)) out.push(`ignored_grants: bundle ${show(hostIgnored)}, model ${show(modelIgnored)}`);
  const sorted = [...host.warnings].sort((a, b) => compareCodePoints(a.code, b.code) || compareCodePoints(a.message, b.message));
  if (!isDeepStrictEqual(sorted, host.warnings)) out.push(`warnings not sorted by code, then message: ${show(host.warnings)}`);
  const hostKeys = host.warnings.map(warningKey).sort((a, b) => compareCodePoints(a.code, b.code) || compareCodePoints(a.key, b.key));
  if (!isDeepStrictEqual(hostKeys, model.warnings)) out.push(`warnings: bundle ${show(host.warnings)}, model ${show(model.warnings)}`);
  return out;
}

/**
 * What a warning's message names, read back as the model states it. The wording is the policy's
 * (pinned by its Rego tests); this reads only the ids, the ledger line and the reason out of it.
 */
function warningKey(w: { code: string; message: string }): ModelWarning {
  const code = w.code as ModelWarning['code'];
  if (code === 'revoke-without-effect') {
    const m = /line (\d+): revoke (\S+) of grant (\S+) has no effect \(([a-z-]+)/.exec(w.message);
    return { code, key: m ? `${m[1]}|${m[2]}|${m[3]}|${m[4]}` : `unreadable: ${w.message}` };
  }
  if (code === 'blocker-applies-nowhere') {
    const m = /: blocker (\S+) applies nowhere: /.exec(w.message);
    return { code, key: m ? m[1]! : `unreadable: ${w.message}` };
  }
  return { code, key: code === 'ledger-not-verified' ? '' : w.message };
}

/** (a) against (b): the whole decision and plan, field for field. */
export function compareWithOpa(host: HostAnswer, opa: { decision: unknown; plan?: unknown } | undefined): string[] {
  if (opa === undefined) return ['opa gave no answer'];
  const out: string[] = [];
  if (!isDeepStrictEqual(host.decision, opa.decision)) out.push(`decision: bundle ${show(host.decision)}, opa ${show(opa.decision)}`);
  if (host.plan !== undefined && !isDeepStrictEqual(host.plan, opa.plan)) out.push(`plan: bundle ${show(host.plan)}, opa ${show(opa.plan)}`);
  return out;
}

/**
 * SPEC 2.5 on (a): the plan agrees with the decision, asks for grants for exactly R, and once
 * applied at `at` leaves only the unresolvable blockers denied; its size is the smallest.
 */
export function checkPlan(answer: HostAnswer, smallest: number | undefined): string[] {
  const plan = answer.plan as PolicyPlan;
  const out: string[] = [];
  const { input, decision } = answer;
  if (plan.allowed !== decision.allowed) out.push(`plan.allowed ${plan.allowed}, decision.allowed ${decision.allowed}`);
  if (decision.allowed && (plan.grants_needed.length > 0 || plan.unresolvable.length > 0)) out.push(`allowed, yet the plan asks for something: ${show(plan)}`);
  const roles = plan.grants_needed.map((g) => g.role);
  if (!isDeepStrictEqual(roles, sortedUnique(roles))) out.push(`grants_needed not sorted by role, or a role twice: ${show(roles)}`);
  for (const g of plan.grants_needed) {
    if (g.action !== input.action || g.environment !== input.environment || g.target !== (input.target ?? null)) {
      out.push(`planned grant not for exactly the request: ${show(g)} for ${show(input)}`);
    }
    if (g.resolves.length === 0) out.push(`planned grant resolves nothing: ${show(g)}`);
  }
  const after = answer.afterPlan!;
  const left = after.denials.map((d) => d.blocker_id);
  const unresolvable = sortedUnique(plan.unresolvable.map((u) => u.blocker_id));
  if (!isDeepStrictEqual(sortedUnique(left), unresolvable)) {
    out.push(`after applying the plan, denied ${show(left)}; the plan said unresolvable ${show(unresolvable)} (plan ${show(plan)})`);
  }
  if (unresolvable.length === 0 && !decision.allowed) {
    if (smallest === undefined) out.push(`the model finds no set of roles that allows, the plan says ${show(plan.grants_needed.map((g) => g.role))}`);
    else if (smallest !== plan.grants_needed.length) {
      out.push(`the plan has ${plan.grants_needed.length} grants (${show(roles)}); the model allows with ${smallest}`);
    }
  }
  return out;
}

/**
 * opa eval's answers with each rule denial's source filled from the bundle's seal, as the host
 * fills it (the policy cannot know file names); without rules, the answers as they are.
 */
export function withRuleSources<T extends { decision: unknown; plan?: unknown }>(answers: T[], ruleFiles: Record<string, string> | undefined): T[] {
  if (ruleFiles === undefined) return answers;
  return answers.map((a) => {
    const decision = a?.decision as PolicyDecision | undefined;
    if (!decision || !Array.isArray(decision.denials)) return a;
    const denials = decision.denials.map((d) => (isRuleDenial(d) && Object.hasOwn(ruleFiles, d.blocker_id) ? { ...d, source: ruleFiles[d.blocker_id]! } : d));
    return { ...a, decision: { ...decision, denials } };
  });
}

/**
 * SPEC 2.5 and 6 with rules: the plan lists exactly the decision's rule denials as unresolvable
 * with reason "rule", and keeps SPEC 2.5's promise for the blockers (a rule may deny the planned
 * grants too: they have no expiry and no allow-listed evidence, which no plan can promise).
 */
export function checkRulePlan(answer: HostAnswer, smallest: number | undefined): string[] {
  const plan = answer.plan as PolicyPlan;
  const out: string[] = [];
  const rules = sortedUnique(answer.decision.denials.filter(isRuleDenial).map((d) => d.blocker_id));
  const unresolvableRules = sortedUnique(plan.unresolvable.filter((u) => u.reason === 'rule').map((u) => u.blocker_id));
  if (!isDeepStrictEqual(rules, unresolvableRules)) out.push(`rule denials ${show(rules)}, the plan's unresolvable rules ${show(unresolvableRules)}`);
  if (plan.allowed !== answer.decision.allowed) out.push(`plan.allowed ${plan.allowed}, decision.allowed ${answer.decision.allowed}`);
  const blockersOnly = (d: PolicyDecision): PolicyDecision => {
    const denials = d.denials.filter((x) => !isRuleDenial(x));
    return { ...d, allowed: denials.length === 0, denials };
  };
  const decision = blockersOnly(answer.decision);
  const blockerPlan = { ...plan, allowed: decision.allowed, unresolvable: plan.unresolvable.filter((u) => u.reason !== 'rule') };
  return [...out, ...checkPlan({ ...answer, decision, plan: blockerPlan, afterPlan: blockersOnly(answer.afterPlan!) }, smallest)];
}
