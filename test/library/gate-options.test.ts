// Library arguments are checked as strictly as flags (issue 9): every wrong option, request or
// time is a BlockgateError with SPEC's code and a message naming what was wrong.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockgateError, openGate, validateInputs, type GateOptions, type Request } from '../../src/index.js';
import { EARLIEST_TIME, LATEST_TIME } from '../../src/schema/time.js';
import { ROOT } from '../support/cli.js';
import { rejection, thrown } from '../support/thrown.js';

const MAP = `${ROOT}fixtures/fix7/production-readiness-blocker-map.json`;
const FIX7 = { blockers: [MAP], ledger: `${ROOT}fixtures/fix7/grants.jsonl`, trust: `${ROOT}fixtures/trust.test-only.json` };
const AT = '2026-11-25T12:00:00Z';
const APPLY = { action: 'apply', environment: 'production', at: AT };

async function refused(options: unknown): Promise<BlockgateError> {
  const e = await openGate(options as GateOptions).then(() => undefined, (err: unknown) => err);
  if (!(e instanceof BlockgateError)) throw new Error(`expected a BlockgateError, got ${String(e)}`);
  return e;
}

describe('openGate options', () => {
  it.each([
    ['"false"', 'false', '"false" (a string)'],
    ['"true"', 'true', '"true" (a string)'],
    ['1', 1, '1 (a number)'],
    ['0', 0, '0 (a number)'],
    ['null', null, 'null'],
    ['an object', {}, 'an object'],
  ])('insecureNoVerify: %s is usage, never verification turned off', async (_, value, shown) => {
    // Without a trust file, only an insecure gate opens over this ledger: a truthy non-boolean once did.
    const e = await refused({ blockers: FIX7.blockers, ledger: FIX7.ledger, insecureNoVerify: value });
    expect(e.code).toBe('usage');
    expect(e.message).toBe(`openGate options: insecureNoVerify must be true or false, not ${shown}`);
  });

  it('insecureNoVerify: true and false are taken, and absent is false', async () => {
    const insecure = await openGate({ blockers: FIX7.blockers, ledger: FIX7.ledger, insecureNoVerify: true });
    expect(insecure.check(APPLY).warnings.map((w) => w.code)).toContain('ledger-not-verified');
    const verified = await openGate({ ...FIX7, insecureNoVerify: false });
    expect(verified.check(APPLY).warnings.map((w) => w.code)).not.toContain('ledger-not-verified');
    expect((await refused({ blockers: FIX7.blockers, ledger: FIX7.ledger })).code).toBe('usage');
  });

  it('blockers: a bare string is refused with a message saying to pass an array', async () => {
    const e = await refused({ blockers: 'maps/*.json' });
    expect(e.code).toBe('usage');
    expect(e.message).toBe('openGate options: blockers must be an array of strings: pass ["maps/*.json"], not the bare string');
  });

  it.each([
    ['absent', {}, 'openGate options: blockers is required (an array of blocker map paths or glob patterns)'],
    ['empty', { blockers: [] }, 'openGate options: blockers is empty: name at least one blocker map path or glob pattern'],
    ['an empty path', { blockers: [MAP, ''] }, 'openGate options: blockers[1] must be a non-empty string, not "" (a string)'],
    ['a number in the list', { blockers: [7] }, 'openGate options: blockers[0] must be a non-empty string, not 7 (a number)'],
    ['an object', { blockers: { 0: MAP } }, 'openGate options: blockers must be an array of non-empty strings, not an object'],
  ])('blockers %s is usage', async (_, options, message) => {
    const e = await refused(options);
    expect(e.code).toBe('usage');
    expect(e.message).toBe(message);
  });

  it.each([
    ['insecureNoVerfy', 'insecureNoVerify'],
    ['ledgerhead', 'ledgerHead'],
    ['ledger_head', 'ledgerHead'],
    ['Trust', 'trust'],
    ['blocker', 'blockers'],
  ])('an unknown option %s is refused, suggesting %s', async (typo, meant) => {
    const e = await refused({ ...FIX7, [typo]: true });
    expect(e.code).toBe('usage');
    expect(e.message).toContain(`openGate options: unknown option "${typo}" (did you mean ${meant}?); known: blockers, ledger, trust,`);
  });

  it('an unknown option with no near name lists the known ones', async () => {
    const e = await refused({ ...FIX7, colour: 'never' });
    expect(e.message).toBe('openGate options: unknown option "colour"; known: blockers, ledger, trust, catalog, insecureNoVerify, ledgerHead, bundleDir, bundleKey, stdin');
  });

  it.each([
    ['ledger', 5, '5 (a number)'], ['trust', '', '"" (a string)'], ['catalog', ['c.json'], 'an array'],
    ['ledgerHead', 6, '6 (a number)'], ['bundleDir', false, 'false (a boolean)'],
  ])('%s of the wrong type is usage', async (key, value, shown) => {
    const e = await refused({ ...FIX7, [key]: value });
    expect(e.code).toBe('usage');
    expect(e.message).toBe(`openGate options: ${key} must be a non-empty string, not ${shown}`);
  });

  it.each([['null', null, 'null'], ['a string', 'maps/*.json', '"maps/*.json" (a string)'], ['an array', [MAP], 'an array'], ['undefined', undefined, 'undefined']])(
    'options that are %s are usage', async (_, options, shown) => {
      const e = await refused(options);
      expect(e.code).toBe('usage');
      expect(e.message).toBe(`openGate options must be an object { blockers: [...], ledger?, trust?, ... }, not ${shown}`);
    });

  it('a key set to undefined is absent, as when options are spread', async () => {
    const gate = await openGate({ ...FIX7, catalog: undefined, ledgerHead: undefined });
    expect(gate.check(APPLY).allowed).toBe(false);
  });

  it('the gate keeps a copy: changing the options object afterwards changes no reload', async () => {
    const options: GateOptions = { ...FIX7, blockers: [...FIX7.blockers] };
    const gate = await openGate(options);
    options.blockers.push('/nonexistent/*.json');
    (options as unknown as Record<string, unknown>).insecureNoVerify = 'yes';
    await gate.reload();
    expect(gate.check(APPLY).allowed).toBe(false);
  });

  it('validateInputs checks its options the same way', async () => {
    const e = await rejection(validateInputs({ blockers: 'maps/*.json' } as unknown as GateOptions));
    expect(e.code).toBe('usage');
    expect(e.message).toContain('validateInputs options: blockers must be an array of strings');
    expect((await rejection(validateInputs({ ...FIX7, insecureNoVerify: 'false' } as unknown as GateOptions))).code).toBe('usage');
  });
});

describe('stdin for a blockers entry "-"', () => {
  it('must be a function', async () => {
    const e = await refused({ blockers: ['-'], stdin: '{"blockers": []}' });
    expect(e.code).toBe('usage');
    expect(e.message).toBe('openGate options: stdin must be a function that returns standard input\'s text or bytes, not "{\\"blockers\\": []}" (a string)');
  });

  it('is read once per gate: a reload decides over the same map', async () => {
    let reads = 0;
    const stdin = () => { reads++; return readFileSync(MAP); };
    const gate = await openGate({ ...FIX7, blockers: ['-'], stdin });
    const first = gate.check(APPLY);
    await gate.reload();
    expect(gate.check(APPLY)).toEqual(first);
    expect(reads).toBe(1);
    expect(first.denials.map((d) => d.source)).toEqual(['(stdin)']);
  });

  it('validateInputs reads it too', async () => {
    const report = await validateInputs({ blockers: ['-'], stdin: () => readFileSync(MAP, 'utf8') });
    expect(report.facts.blockers).toBe(7);
  });
});

describe('requests', () => {
  const REQUEST_SHAPE = '{ action, environment, target?, at? }';

  it.each([
    ['null', null, 'null'], ['undefined', undefined, 'undefined'], ['a string', 'x', '"x" (a string)'],
    ['an array', ['apply', 'production'], 'an array'], ['a number', 3, '3 (a number)'],
  ])('check(%s) is bad-request, not a TypeError', async (_, request, shown) => {
    const gate = await openGate(FIX7);
    for (const call of [() => gate.check(request as unknown as Request), () => gate.plan(request as unknown as Request), () => gate.decide(request as unknown as Request)]) {
      const e = thrown(call);
      expect(e.code).toBe('bad-request');
      expect(e.message).toBe(`the request must be an object ${REQUEST_SHAPE}, not ${shown}`);
    }
  });

  it.each([
    ['action a number', { ...APPLY, action: 5 }, 'the request: action must be a string, not 5 (a number)'],
    ['environment an object', { ...APPLY, environment: {} }, 'the request: environment must be a string, not an object'],
    ['environment an array', { ...APPLY, environment: ['production'] }, 'the request: environment must be a string, not an array'],
    ['target a number', { ...APPLY, target: 1 }, 'the request: target, when given, must be a non-empty string, not 1 (a number)'],
    ['target empty', { ...APPLY, target: '' }, 'the request: target, when given, must be a non-empty string, not "" (a string)'],
    ['a misspelt field', { ...APPLY, enviroment: 'staging' }, 'the request: unknown option "enviroment" (did you mean environment?); known: action, environment, target, at'],
    ['an action with a newline', { ...APPLY, action: 'apply\n' }, 'the request: action "apply\\n" must not contain control characters'],
    ['an environment with U+0000', { ...APPLY, environment: 'prod\u0000' }, 'the request: environment "prod\\u0000" must not contain control characters'],
    ['a target that injects a workflow command', { ...APPLY, target: 'X\n::error title=fake::injected' },
      'the request: target "X\\n::error title=fake::injected" must not contain control characters'],
    ['a target with DEL', { ...APPLY, target: 'QT\u007f' }, 'the request: target "QT\\u007f" must not contain control characters'],
  ])('%s is bad-request', async (_, request, message) => {
    const gate = await openGate(FIX7);
    for (const call of [() => gate.check(request as Request), () => gate.plan(request as Request)]) {
      const e = thrown(call);
      expect(e.code).toBe('bad-request');
      expect(e.message).toBe(message);
    }
  });

  it('a missing action or environment stays usage, as a missing flag is', async () => {
    const gate = await openGate(FIX7);
    expect(thrown(() => gate.check({ environment: 'production' } as Request))).toMatchObject({ code: 'usage', message: 'an action is required (--action)' });
    expect(thrown(() => gate.check({ action: 'apply', environment: '' }))).toMatchObject({ code: 'usage', message: 'an environment is required (--env)' });
  });

  it('a target of null or undefined is no target', async () => {
    const gate = await openGate(FIX7);
    expect(gate.check({ ...APPLY, target: null }).request.target).toBeNull();
    expect(gate.check({ ...APPLY, target: undefined }).request.target).toBeNull();
    expect(gate.check({ ...APPLY, target: 'QT001' }).request.target).toBe('QT001');
  });
});

describe('request times', () => {
  it.each([
    ['8.7e15 (a RangeError before)', 8.7e15, '--at: 8700000000000000 ms since the epoch is not a whole millisecond between 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z'],
    ['one past the latest', LATEST_TIME + 1, '--at: 253402300800000 ms since the epoch is not a whole millisecond between'],
    ['one before the earliest', EARLIEST_TIME - 1, '--at: -62167219200001 ms since the epoch is not a whole millisecond between'],
    ['a fraction', 1.5, '--at: 1.5 ms since the epoch is not a whole millisecond between'],
    ['NaN', Number.NaN, '--at: NaN ms since the epoch'],
    ['a Date past 9999', new Date(LATEST_TIME + 1), '--at: the Date given is not a whole millisecond between'],
    ['an invalid Date', new Date(8.7e15), '--at: the Date given is not a whole millisecond between'],
    ['a boolean', true, '--at must be RFC 3339 text, a Date or epoch milliseconds, not true (a boolean)'],
    ['null', null, '--at must be RFC 3339 text, a Date or epoch milliseconds, not null'],
    ['an object', { ms: 1 }, '--at must be RFC 3339 text, a Date or epoch milliseconds, not an object'],
    ['text past 9999 once in UTC', '9999-12-31T23:59:59-23:59', '--at: "9999-12-31T23:59:59-23:59" is not an RFC 3339 time with a time zone (e.g. 2026-11-20T10:00:00Z) between'],
    ['text before year 0 once in UTC', '0000-01-01T00:00:00+00:01', '--at: "0000-01-01T00:00:00+00:01" is not an RFC 3339 time'],
  ])('at %s is bad-time', async (_, at, message) => {
    const gate = await openGate(FIX7);
    for (const call of [
      () => gate.check({ ...APPLY, at: at as Request['at'] }), () => gate.plan({ ...APPLY, at: at as Request['at'] }),
      () => gate.matrix({ at: at as Request['at'] }), () => gate.whatIf({ at: at as Request['at'] }),
    ]) {
      const e = thrown(call);
      expect(e.code).toBe('bad-time');
      expect(e.message.startsWith(message)).toBe(true);
    }
  });

  it('the edges themselves are decided and echoed in RFC 3339 UTC', async () => {
    const gate = await openGate(FIX7);
    expect(gate.check({ ...APPLY, at: LATEST_TIME }).request.at).toBe('9999-12-31T23:59:59.999Z');
    expect(gate.check({ ...APPLY, at: new Date(EARLIEST_TIME) }).request.at).toBe('0000-01-01T00:00:00.000Z');
    expect(gate.check({ ...APPLY, at: '0000-01-01T23:59:00+23:59' }).request.at).toBe('0000-01-01T00:00:00.000Z');
    expect(gate.check({ ...APPLY, at: '9999-12-31T00:00:59.999-23:59' }).request.at).toBe('9999-12-31T23:59:59.999Z');
  });
});

describe('matrix and what-if options', () => {
  it.each([
    ['null', null, 'usage', 'matrix options must be an object { at?, target?, actions?, environments? }, not null'],
    ['an unknown key', { action: ['apply'] }, 'usage', 'matrix options: unknown option "action" (did you mean actions?); known: at, target, actions, environments'],
    ['actions as a bare string', { actions: 'apply' }, 'usage', 'matrix options: actions must be an array of strings: pass ["apply"], not the bare string'],
    ['no actions', { actions: [] }, 'usage', 'matrix options: actions is empty: name at least one, or leave actions out to take every one'],
    ['environments with a number', { environments: [1] }, 'usage', 'matrix options: environments[0] must be a non-empty string, not 1 (a number)'],
    ['an environment with a control character', { environments: ['prod\tx'] }, 'bad-request', 'matrix options: environments[0] "prod\\tx" must not contain control characters'],
    ['a target of the wrong type', { target: 7 }, 'bad-request', 'matrix options: target, when given, must be a non-empty string, not 7 (a number)'],
    ['a target with a newline', { target: 'A\nB' }, 'bad-request', 'matrix options: target "A\\nB" must not contain control characters'],
    ['an unknown action', { actions: ['apply', 'fly'] }, 'unknown-action', "unknown action 'fly'; the built-in catalog has: activation, apply, ci-enforcement, cutover, permit, real-run, repoint"],
    ['an unknown environment', { environments: ['moon'] }, 'unknown-environment', "unknown environment 'moon'; the built-in catalog has: development, production, staging"],
  ])('matrix with %s is %s', async (_, options, code, message) => {
    const gate = await openGate(FIX7);
    const e = thrown(() => gate.matrix(options as never));
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
    const w = thrown(() => gate.whatIf(options as never));
    expect(w.code).toBe(code);
    expect(w.message).toBe(message.replace('matrix options', 'what-if options').replace('{ at?, target?, actions?, environments? }', '{ add?, revoke?, at?, target?, actions?, environments? }')
      .replace('known: at, target, actions, environments', 'known: at, target, actions, environments, add, revoke'));
  });

  it.each([
    ['revoke as a bare string', { revoke: 'G-OWNER-APPLY-1' }, 'what-if options: revoke must be an array of strings: pass ["G-OWNER-APPLY-1"], not the bare string'],
    ['revoke with an empty id', { revoke: [''] }, 'what-if options: revoke[0] must be a non-empty string, not "" (a string)'],
    ['add a number', { add: 3 }, 'what-if options: add must be a non-empty string, not 3 (a number)'],
    ['add a list', { add: ['a.jsonl'] }, 'what-if options: add must be a non-empty string, not an array'],
    ['a misspelt revoke', { revokes: ['G-1'] }, 'what-if options: unknown option "revokes" (did you mean revoke?); known: at, target, actions, environments, add, revoke'],
  ])('what-if with %s is usage', async (_, options, message) => {
    const gate = await openGate(FIX7);
    const e = thrown(() => gate.whatIf(options as never));
    expect(e.code).toBe('usage');
    expect(e.message).toBe(message);
  });

  it('an empty revoke list means no revokes, and a bare time is short for { at }', async () => {
    const gate = await openGate(FIX7);
    expect(gate.whatIf({ revoke: [], at: AT }).changes).toEqual([]);
    expect(gate.matrix(AT)).toEqual(gate.matrix({ at: AT }));
    expect(gate.matrix(new Date(AT))).toEqual(gate.matrix({ at: Date.parse(AT) }));
  });

  it('a revoke of an unknown id names it quoted', async () => {
    const gate = await openGate(FIX7);
    expect(thrown(() => gate.whatIf({ revoke: ['G-\n9'], at: AT }))).toMatchObject({
      code: 'ledger-dangling-revoke', message: '--revoke "G-\\n9": no grant with this id in the ledger or the --add file',
    });
  });

  it('nothing else thrown inside a call leaves it as anything but a BlockgateError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blockgate-h7-'));
    const add = join(dir, 'add.jsonl');
    writeFileSync(add, 'not json\n');
    const gate = await openGate(FIX7);
    const e = thrown(() => gate.whatIf({ add, at: AT }));
    expect(e.code).toBe('ledger-schema');
    expect(e.message).toContain(`${add} line 1`);
  });
});
