// The rules' part of the policy's answers (SPEC 6), checked by the host before anything is
// decided on it. The policy decides (rules never weaken the blocker decision) and reports the
// rules' malformed outputs as `rule_problems`; the host raises those, and fails closed on any
// rule output it cannot validate itself: a denial not in SPEC 6's shape, an id that is a
// blocker's, a warning or denial id no rules file of the bundle declares, a breakpoint that is
// no instant, an evaluation that fails. It only fills what the policy cannot know: the rule's file.

import { BlockgateError, knownCode, WARNING_CODES, type ErrorCode, type Problem } from '../errors.js';
import { quoted } from '../quote.js';
import { TimeBuiltinError } from './time-builtins.js';
import type { Seal } from './bundle.js';
import type { Denial, PolicyDecision, PolicyPlan } from './results.js';

/** What the policy reports of a rule output that is not as SPEC 6 says (rule_outputs.rego). */
interface RuleProblem { error: 'rule-error' | 'rule-conflict'; output: 'deny' | 'warn'; id: string | null; message: string }

const RULE_DENIAL_KEYS = ['kind', 'blocker_id', 'item', 'next_action', 'actor_needed', 'blocks', 'required_roles', 'mode', 'missing_roles', 'reasons', 'source'];
const CORE_WARNINGS: ReadonlySet<string> = new Set(WARNING_CODES);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmptyList = (v: unknown) => Array.isArray(v) && v.length === 0;
const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v !== '';

function ruleError(message: string, file?: string, line?: number, more: Problem[] = []): BlockgateError {
  const where: { file?: string; line?: number } = {};
  if (file !== undefined) where.file = file;
  if (line !== undefined) where.line = line;
  return new BlockgateError('rule-error', message, where, more);
}

// "the policy aborted: rules/freeze.rego:12:3: var assignment conflict" (OPA's runtime errors in WASM).
const ABORT_AT = /^the policy aborted: (.+?):(\d+):\d+: (.*)$/s;

export class RuleOutputs {
  /** Whether the bundle was built with rules: without, every failure is blockgate's own (internal). */
  readonly hasRules: boolean;
  private readonly files: string[];

  constructor(private readonly seal: Seal, private readonly blockerIds: ReadonlySet<string>) {
    const rules = seal.rules ?? {};
    const dynamic = seal.dynamic_rules ?? [];
    this.files = [...new Set([...Object.values(rules).map((r) => r.file), ...dynamic])].sort();
    this.hasRules = this.files.length > 0;
  }

  /** The rules file of an id: the seal's `rules`, else the files whose ids are not literals. */
  fileOf(id: string): string | undefined {
    const info = Object.hasOwn(this.seal.rules ?? {}, id) ? this.seal.rules[id] : undefined;
    if (info !== undefined) return info.file;
    const dynamic = this.seal.dynamic_rules ?? [];
    return dynamic.length === 0 ? undefined : dynamic.join(', ');
  }

  private where(id: string | null): string {
    const file = id === null ? undefined : this.fileOf(id);
    if (id === null) return this.files.length === 0 ? 'the rules' : `the rules (${this.files.join(', ')})`;
    return file === undefined ? `rule ${quoted(id)}` : `${file}: rule ${quoted(id)}`;
  }

  /** Raises the problems the policy found in the rules' outputs, the first as the error, all listed. */
  raiseProblems(answer: Record<string, unknown>, what: string): void {
    if (!Object.hasOwn(answer, 'rule_problems')) return;
    const problems = answer.rule_problems;
    if (!Array.isArray(problems) || problems.length === 0 || !problems.every(isRuleProblem)) {
      throw ruleError(`the policy reported the rules' problems in ${what} in a form blockgate cannot read`);
    }
    const list = problems.map((p): Problem => {
      const file = p.id === null ? undefined : this.fileOf(p.id);
      const message = p.error === 'rule-conflict'
        ? `${this.where(p.id)}: ${p.message} (blocker ${quoted(p.id ?? '')})`
        : `${this.where(p.id)}: a ${p.output} of the rules is malformed: ${p.message}`;
      const problem: Problem = { code: p.error, message };
      if (file !== undefined) problem.file = file;
      return problem;
    });
    throw BlockgateError.fromProblems(list);
  }

  /** The decision with the rule denials checked and their `source` filled; every warning's code checked. */
  decision(result: PolicyDecision): PolicyDecision {
    this.raiseProblems(result as unknown as Record<string, unknown>, 'the decision');
    if (!Array.isArray(result.denials)) throw new BlockgateError('internal', 'the policy gave a malformed decision');
    let filled = false;
    const denials = result.denials.map((d: unknown): Denial => {
      const kind = isRecord(d) ? d.kind : undefined;
      if (kind === 'blocker') return d as Denial;
      if (kind !== 'rule') throw new BlockgateError('internal', `the policy gave a denial of kind ${JSON.stringify(kind) ?? 'undefined'}, neither blocker nor rule`);
      filled = true;
      return this.ruleDenial(d as Record<string, unknown>);
    });
    if (result.allowed && denials.length > 0) throw new BlockgateError('internal', 'the policy allowed a request it also denied');
    for (const w of result.warnings) this.warning(w);
    return filled ? { ...result, denials } : result;
  }

  private ruleDenial(d: Record<string, unknown>): Denial {
    const id = d.blocker_id;
    if (!nonEmptyString(id)) throw ruleError(`${this.where(null)}: a rule denial has no id (a non-empty string): ${JSON.stringify(d)}`);
    const keys = Object.keys(d);
    const shaped = keys.length === RULE_DENIAL_KEYS.length && RULE_DENIAL_KEYS.every((k) => Object.hasOwn(d, k))
      && nonEmptyString(d.item) && (d.next_action === null || typeof d.next_action === 'string')
      && d.actor_needed === null && d.mode === null && d.source === null
      && isEmptyList(d.blocks) && isEmptyList(d.required_roles) && isEmptyList(d.missing_roles)
      && Array.isArray(d.reasons) && d.reasons.length === 1 && d.reasons[0] === 'rule';
    if (!shaped) throw ruleError(`${this.where(id)}: the policy gave a rule denial blockgate cannot read: ${JSON.stringify(d)}`, this.fileOf(id));
    if (this.blockerIds.has(id)) {
      throw new BlockgateError('rule-conflict', `${this.where(id)}: the id is a blocker's: a rule may not deny in a blocker's name (blocker ${quoted(id)})`);
    }
    const source = this.fileOf(id);
    if (source === undefined) throw ruleError(`rule ${quoted(id)}: denies, but no rules file of the bundle declares the id (the bundle's seal lists ${this.files.length === 0 ? 'no rules' : Object.keys(this.seal.rules).map(quoted).join(', ')})`);
    return { ...(d as unknown as Denial), source };
  }

  /** A warning is blockgate's own (a closed code), or a rule's: an id the bundle's rules declare. */
  private warning(w: unknown): void {
    const code = isRecord(w) ? w.code : undefined;
    if (!this.hasRules || (typeof code === 'string' && CORE_WARNINGS.has(code))) {
      knownCode(WARNING_CODES, code, 'a warning of the policy');
      return;
    }
    const message = isRecord(w) ? w.message : undefined;
    if (!nonEmptyString(code) || !nonEmptyString(message)) throw ruleError(`${this.where(null)}: the policy gave a warning blockgate cannot read: ${JSON.stringify(w)}`);
    if (this.fileOf(code) === undefined) throw ruleError(`rule ${quoted(code)}: warns, but no rules file of the bundle declares the id`);
  }

  /** The plan with the rules' problems raised and each rule's unresolvable entry checked. */
  plan(result: PolicyPlan): PolicyPlan {
    this.raiseProblems(result as unknown as Record<string, unknown>, 'the plan');
    for (const u of result.unresolvable ?? []) {
      if (u.reason !== 'rule') continue;
      if (!nonEmptyString(u.blocker_id) || this.blockerIds.has(u.blocker_id) || this.fileOf(u.blocker_id) === undefined) {
        throw ruleError(`${this.where(null)}: the plan lists a rule's denial blockgate cannot place: ${JSON.stringify(u)}`);
      }
    }
    if (result.allowed && (result.unresolvable?.length ?? 0) > 0) throw new BlockgateError('internal', 'the policy planned an allowed request with unresolvable blockers');
    return result;
  }

  /** Refuses a breakpoint that is not an instant when the rules may have added it. */
  breakpoints(points: unknown): void {
    if (!this.hasRules || !Array.isArray(points)) return;
    const bad = points.find((p) => typeof p !== 'number' || !Number.isFinite(p));
    if (bad !== undefined) {
      throw ruleError(`${this.where(null)}: breakpoints must be instants (integer epoch ms), and the rules gave ${JSON.stringify(bad)}`);
    }
  }

  /**
   * A failure while the policy evaluated: with rules, `rule-error` naming the builtin (a time
   * builtin's operand) or the rules file and line (OPA's runtime errors: a conflict, a function
   * with two outputs); without, blockgate's own policy failed (internal). Never a decision.
   */
  evaluationError(e: unknown, entrypoint: string): BlockgateError {
    if (e instanceof BlockgateError) return e;
    const message = e instanceof Error ? e.message : String(e);
    const code: ErrorCode = this.hasRules ? 'rule-error' : 'internal';
    if (e instanceof TimeBuiltinError) {
      return new BlockgateError(code, `${this.where(null)}: failed in the builtin ${message}`);
    }
    const abort = ABORT_AT.exec(message);
    if (abort !== null) {
      const file = this.shownFile(abort[1]!);
      const line = Number(abort[2]);
      return new BlockgateError(file === undefined ? code : 'rule-error', `${file ?? abort[1]} line ${line}: the policy failed: ${abort[3]}`, { file: file ?? abort[1]!, line });
    }
    return new BlockgateError(code, `${this.hasRules ? this.where(null) : 'the policy'}: evaluating ${entrypoint} failed: ${message.replace(/^the policy aborted: /, 'aborted: ')}`);
  }

  /** The user's name of a rules file as the bundle stages it (rules/REL: `blockgate build` stages each file so). */
  private shownFile(staged: string): string | undefined {
    if (!staged.startsWith('rules/')) return undefined;
    const rel = staged.slice('rules/'.length);
    return this.files.find((f) => f === rel || f.endsWith(`/${rel}`)) ?? staged;
  }
}

function isRuleProblem(p: unknown): p is RuleProblem {
  return isRecord(p) && (p.error === 'rule-error' || p.error === 'rule-conflict') && (p.output === 'deny' || p.output === 'warn')
    && (p.id === null || typeof p.id === 'string') && nonEmptyString(p.message);
}
