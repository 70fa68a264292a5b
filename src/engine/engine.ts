// The one module that owns the WASM instance: the world goes in once, requests go in per call.

import { BlockgateError, knownCode, LINT_CODES } from '../errors.js';
import { ENTRYPOINTS, type Seal, type SealedBundle } from './bundle.js';
import type { World } from './world.js';
import { DecisionMemo, deepFreeze, sortedBreakpoints } from './memo.js';
import type { PolicyDecision, PolicyPlan, LintFinding } from './results.js';
import { RuleOutputs } from './rule-outputs.js';
import { loadClockedPolicy, type ClockedPolicy } from './time-builtins.js';

export interface PolicyRequest {
  action: string;
  environment: string;
  target?: string;
  /** Epoch milliseconds. */
  at: number;
}

export { ENTRYPOINTS };

const modules = new WeakMap<Uint8Array, WebAssembly.Module>();

function compiled(bundle: SealedBundle): WebAssembly.Module {
  let mod = modules.get(bundle.wasm);
  if (!mod) {
    mod = new WebAssembly.Module(bundle.wasm as Uint8Array<ArrayBuffer>);
    modules.set(bundle.wasm, mod);
  }
  return mod;
}

export interface EngineOptions {
  /**
   * Reuse the policy's answer for requests that differ only in `at` within one interval between
   * the policy's breakpoints (default on). Always off for a bundle that calls time.now_ns(): a rule
   * reading the clock that way can change its answer at any instant, which no breakpoint lists.
   */
  memo?: boolean;
}

export class Engine {
  private readonly memo: DecisionMemo<unknown> | null;
  private readonly rules: RuleOutputs;

  /**
   * The instants at which this world's answers can change with `at`, sorted: the policy's own
   * (entrypoint breakpoints), evaluated once per world. The memo is exact because they are the policy's.
   */
  readonly breakpoints: Float64Array;

  private constructor(private readonly policy: ClockedPolicy, readonly seal: Seal, world: World, options: EngineOptions) {
    this.rules = new RuleOutputs(seal, new Set(Object.keys(world.blockers)));
    const points = this.evaluate(ENTRYPOINTS.breakpoints, {});
    this.rules.breakpoints(points);
    this.breakpoints = sortedBreakpoints(points);
    const readsClock = policy.importedBuiltins.includes('time.now_ns');
    this.memo = options.memo === false || readsClock ? null : new DecisionMemo(this.breakpoints);
  }

  /** Whether answers are memoised (off on request, or for a bundle whose rules call time.now_ns). */
  get memoised(): boolean {
    return this.memo !== null;
  }

  /** A policy instance over one world, from a bundle readSealedBundle has checked. */
  static open(world: World, bundle: SealedBundle, options: EngineOptions = {}): Engine {
    let policy: ClockedPolicy;
    try {
      // The time builtins exact and time.now_ns() = the request's `at` (SPEC 6); a builtin nobody provides is refused here.
      policy = loadClockedPolicy(compiled(bundle));
    } catch (e) {
      throw new BlockgateError('bundle-seal', `the policy bundle does not load: ${(e as Error).message}`);
    }
    for (const name of Object.values(ENTRYPOINTS)) {
      if (!(name in (policy.entrypoints as Record<string, number>))) {
        throw new BlockgateError('bundle-seal', `the policy bundle lacks the entrypoint ${name}`);
      }
    }
    // The bundle's own data (the rules' configuration) beside the world; readSealedBundle refused a data.world of its own.
    policy.setData({ ...bundle.data, world });
    return new Engine(policy, bundle.seal, world, options);
  }

  /**
   * Evaluates a request entrypoint, through the memo when it is on, and checks the answer with
   * `check` before it is kept: a memoised answer was checked once. Answers are frozen.
   */
  private answer<T>(entrypoint: string, request: PolicyRequest, check: (result: unknown) => T): T {
    if (this.memo === null) return deepFreeze(check(this.evaluate(entrypoint, request)));
    const key = this.memo.key(entrypoint, request);
    let result = this.memo.get(key) as T | undefined;
    if (result === undefined) {
      result = deepFreeze(check(this.evaluate(entrypoint, request)));
      this.memo.set(key, result);
    }
    return result;
  }

  /** One evaluation; a failure in it (a rule's runtime error, a time builtin's) is an error, never an answer. */
  private evaluate(entrypoint: string, input: unknown): unknown {
    let results: Array<{ result?: unknown }>;
    try {
      results = this.policy.evaluate(input, entrypoint) as Array<{ result?: unknown }>;
    } catch (e) {
      throw this.rules.evaluationError(e, entrypoint);
    }
    // An undefined result means the policy could not decide: never a default "allowed".
    const result = results?.[0]?.result;
    if (result === undefined) throw new BlockgateError('internal', `the policy gave no result for ${entrypoint}`);
    return result;
  }

  decide(request: PolicyRequest): PolicyDecision {
    return this.answer(ENTRYPOINTS.decision, request, (answer) => {
      const result = answer as PolicyDecision;
      if (typeof result !== 'object' || result === null || typeof result.allowed !== 'boolean' || !Array.isArray(result.warnings)) {
        throw new BlockgateError('internal', 'the policy gave a malformed decision');
      }
      // Codes and the rules' outputs cross from the policy: what the host cannot validate fails closed.
      return this.rules.decision(result);
    });
  }

  plan(request: PolicyRequest): PolicyPlan {
    return this.answer(ENTRYPOINTS.plan, request, (answer) => {
      const result = answer as PolicyPlan;
      if (typeof result !== 'object' || result === null || typeof result.allowed !== 'boolean' || !Array.isArray(result.unresolvable)) {
        throw new BlockgateError('internal', 'the policy gave a malformed plan');
      }
      return this.rules.plan(result);
    });
  }

  lint(): LintFinding[] {
    const findings = this.evaluate(ENTRYPOINTS.lint, {});
    if (!Array.isArray(findings)) throw new BlockgateError('internal', 'the policy gave a malformed lint');
    for (const f of findings) knownCode(LINT_CODES, (f as { code?: unknown } | null)?.code, 'a lint finding of the policy');
    return findings as LintFinding[];
  }
}
