// The one module that owns the WASM instance: the world goes in once, requests go in per call.

import * as opaWasm from '@open-policy-agent/opa-wasm';
import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { BlockgateError, knownCode, LINT_CODES, WARNING_CODES } from '../errors.js';
import { ENTRYPOINTS, type Seal, type SealedBundle } from './bundle.js';
import type { World } from './world.js';
import { DecisionMemo, deepFreeze, sortedBreakpoints } from './memo.js';
import type { PolicyDecision, PolicyPlan, LintFinding } from './results.js';

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
  /** Reuse the policy's answer for requests that differ only in `at` within one interval between the policy's breakpoints (default on). */
  memo?: boolean;
}

export class Engine {
  private readonly memo: DecisionMemo<unknown> | null;

  /**
   * The instants at which this world's answers can change with `at`, sorted: the policy's own
   * (entrypoint breakpoints), evaluated once per world. The memo is exact because they are the policy's.
   */
  readonly breakpoints: Float64Array;

  private constructor(private readonly policy: LoadedPolicy, readonly seal: Seal, options: EngineOptions) {
    this.breakpoints = sortedBreakpoints(this.evaluate(ENTRYPOINTS.breakpoints, {}));
    this.memo = options.memo === false ? null : new DecisionMemo(this.breakpoints);
  }

  /** A policy instance over one world, from a bundle readSealedBundle has checked. */
  static open(world: World, bundle: SealedBundle, options: EngineOptions = {}): Engine {
    let policy: LoadedPolicy;
    try {
      // The ESM entry exports loadPolicySync only on the default export.
      policy = (opaWasm as unknown as { default: typeof opaWasm }).default.loadPolicySync(compiled(bundle));
    } catch (e) {
      throw new BlockgateError('bundle-seal', `the policy bundle does not load: ${(e as Error).message}`);
    }
    for (const name of Object.values(ENTRYPOINTS)) {
      if (!(name in (policy.entrypoints as Record<string, number>))) {
        throw new BlockgateError('bundle-seal', `the policy bundle lacks the entrypoint ${name}`);
      }
    }
    policy.setData({ world });
    return new Engine(policy, bundle.seal, options);
  }

  /** Evaluates a request entrypoint, through the memo when it is on. Answers are frozen. */
  private answer(entrypoint: string, request: PolicyRequest): unknown {
    if (this.memo === null) return deepFreeze(this.evaluate(entrypoint, request));
    const key = this.memo.key(entrypoint, request);
    let result = this.memo.get(key);
    if (result === undefined) {
      result = deepFreeze(this.evaluate(entrypoint, request));
      this.memo.set(key, result);
    }
    return result;
  }

  private evaluate(entrypoint: string, input: unknown): unknown {
    const results = this.policy.evaluate(input, entrypoint) as Array<{ result?: unknown }>;
    // An undefined result means the policy could not decide: never a default "allowed".
    const result = results?.[0]?.result;
    if (result === undefined) throw new BlockgateError('internal', `the policy gave no result for ${entrypoint}`);
    return result;
  }

  decide(request: PolicyRequest): PolicyDecision {
    const result = this.answer(ENTRYPOINTS.decision, request) as PolicyDecision;
    if (typeof result !== 'object' || result === null || typeof result.allowed !== 'boolean' || !Array.isArray(result.warnings)) {
      throw new BlockgateError('internal', 'the policy gave a malformed decision');
    }
    // Codes cross from the policy: one the host does not know fails closed.
    for (const w of result.warnings) knownCode(WARNING_CODES, (w as { code?: unknown } | null)?.code, 'a warning of the policy');
    return result;
  }

  plan(request: PolicyRequest): PolicyPlan {
    return this.answer(ENTRYPOINTS.plan, request) as PolicyPlan;
  }

  lint(): LintFinding[] {
    const findings = this.evaluate(ENTRYPOINTS.lint, {});
    if (!Array.isArray(findings)) throw new BlockgateError('internal', 'the policy gave a malformed lint');
    for (const f of findings) knownCode(LINT_CODES, (f as { code?: unknown } | null)?.code, 'a lint finding of the policy');
    return findings as LintFinding[];
  }
}
