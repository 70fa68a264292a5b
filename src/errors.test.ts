import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSealedBundle } from './engine/bundle.js';
import { Engine } from './engine/engine.js';
import { buildWorld } from './engine/world.js';
import { APPEND_REFUSAL_CODES, ERROR_CODES, INPUT_ERROR_CODES, isInputError, knownCode, LINT_CODES, WARNING_CODES } from './errors.js';
import { thrown } from '../test/support/thrown.js';
import { DEFAULT_CATALOG } from './inputs/catalog.js';

const POLICIES = fileURLToPath(new URL('../policies/blockgate/', import.meta.url));

/** The policy's own rules (not its tests), by file name. */
const rego = new Map(readdirSync(POLICIES).filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego')).map((f) => [f, readFileSync(join(POLICIES, f), 'utf8')]));

const all = (re: RegExp, text: string) => [...text.matchAll(re)].map((m) => m[1]!);


describe('the closed set of codes', () => {
  it('every code the policy can emit is in the set, and every code of the set is one it emits', () => {
    const warnings: string[] = [];
    const lint: string[] = [];
    for (const [file, text] of rego) {
      // A code is always a literal: `"code": "x"` in an object, or `finding("x", ...)` in lint.rego,
      // whose one `"code": code` is the helper that builds the finding.
      const literal = all(/"code":\s*"([^"]*)"/g, text);
      const calls = all(/\bfinding\(\s*"([^"]*)"/g, text);
      const helpers = file === 'lint.rego' ? 1 : 0;
      // rule_outputs.rego's one `"code": code` shapes a rule's warning (its id, checked against the seal by the host).
      const ruleWarning = file === 'rule_outputs.rego' ? 1 : 0;
      expect(all(/"code":\s*([^\s,}]+)/g, text).length, `${file}: a "code" that is no literal`).toBe(literal.length + helpers + ruleWarning);
      expect(all(/\bfinding(\()/g, text).length, `${file}: a finding whose code is no literal`).toBe(calls.length + helpers);
      (file === 'lint.rego' ? lint : warnings).push(...literal, ...calls);
    }
    expect([...new Set(lint)].sort()).toEqual([...LINT_CODES].sort());
    expect([...new Set(warnings)].sort()).toEqual([...WARNING_CODES].sort());
    // The codes a rule's warning may not take (rule_outputs.rego) are exactly the policy's own.
    const core = /^core_warning_codes := \{([^}]*)\}$/m.exec(rego.get('rule_outputs.rego') ?? '');
    expect(all(/"([^"]*)"/g, core?.[1] ?? '').sort()).toEqual([...WARNING_CODES].sort());
  });

  it('the error codes are unique and every code reads as lower-case words joined by -', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of [...ERROR_CODES, ...LINT_CODES, ...WARNING_CODES]) expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('knownCode passes a code of the set and fails closed, as internal, on any other value', () => {
    expect(knownCode(LINT_CODES, 'no-role', 'a finding')).toBe('no-role');
    const unknown = thrown(() => knownCode(LINT_CODES, 'no-rule\u001b[31m', 'a finding'));
    expect([unknown.code, unknown.message]).toEqual(['internal', 'a finding has the code "no-rule\\u001b[31m", which blockgate does not know']);
    for (const value of [undefined, null, 3, ['no-role']]) {
      const e = thrown(() => knownCode(LINT_CODES, value, 'a finding'));
      expect([e.code, e.message]).toEqual(['internal', 'a finding has no code (a string)']);
    }
  });
});

describe('codes at the engine boundary', () => {
  const world = buildWorld({ blockers: { blockers: new Map(), resolved: new Map(), maps: [] }, catalog: DEFAULT_CATALOG, entries: [], verified: false, trustedRoles: null });

  /** An engine whose policy answers `result` to every entrypoint: a code the host never saw, without building another bundle. */
  function answering(result: unknown): Engine {
    const engine = Engine.open(world, readSealedBundle(), { memo: false });
    (engine as unknown as { policy: { evaluate: () => unknown } }).policy.evaluate = () => [{ result }];
    return engine;
  }

  it('the real policy\'s codes pass', () => {
    const engine = Engine.open(world, readSealedBundle());
    expect(engine.decide({ action: 'apply', environment: 'production', at: 0 }).warnings.map((w) => w.code)).toEqual(['ledger-not-verified']);
    expect(engine.lint()).toEqual([]);
  });

  it('a lint finding with a code outside the set is internal: nothing is reported on it', () => {
    const e = thrown(() => answering([{ code: 'no-role', severity: 'error', message: 'm' }, { code: 'looks-fine', severity: 'warning', message: 'm' }]).lint());
    expect([e.code, e.message]).toEqual(['internal', 'a lint finding of the policy has the code "looks-fine", which blockgate does not know']);
    expect(thrown(() => answering({ not: 'a list' }).lint()).code).toBe('internal');
  });

  it('a decision warning with a code outside the set is internal: nothing is decided on it', () => {
    const decision = (warnings: unknown) => ({ allowed: true, denials: [], satisfied: [], ignored_grants: [], warnings });
    const request = { action: 'apply', environment: 'production', at: 0 };
    expect(answering(decision([{ code: 'ledger-not-verified', message: 'm' }])).decide(request).allowed).toBe(true);
    const e = thrown(() => answering(decision([{ code: 'all-clear', message: 'm' }])).decide(request));
    expect([e.code, e.message]).toEqual(['internal', 'a warning of the policy has the code "all-clear", which blockgate does not know']);
    expect(thrown(() => answering(decision(undefined)).decide(request)).code).toBe('internal');
  });
});

describe('what ledger append --force lets through', () => {
  it('only its own refusals, each an input error (exit 3); never an integrity code of the ledger', () => {
    for (const code of APPEND_REFUSAL_CODES) {
      expect(isInputError(code)).toBe(true);
      expect(code).toMatch(/^append-/);
    }
    expect(INPUT_ERROR_CODES.filter((c) => c.startsWith('append-'))).toEqual([...APPEND_REFUSAL_CODES]);
    expect(APPEND_REFUSAL_CODES.some((c) => c.startsWith('ledger-'))).toBe(false);
  });
});
