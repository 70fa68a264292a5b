// The exit-code contract of SPEC 3 against generated argument vectors, in-process through run():
// flags in any order and in both spellings, repeated, flag-like values, `--`, unknown and
// misspelt flags, help and version in the wrong place, Unicode. `check` exits 0 only when the
// model of the request says allowed. ARGV_RUNS sets the number of vectors (longer runs).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockgate, FIX7, ROOT, SEED, type CliResult } from '../support/cli.js';

const RUNS = Number(process.env.ARGV_RUNS ?? 120);
const ACTIONS = ['apply', 'cutover', 'permit', 'activation', 'repoint', 'real-run', 'ci-enforcement'];
const ENVS = ['production', 'staging', 'development'];
const FORMATS = ['text', 'json', 'junit', 'github', 'sarif'];
const LEDGER = `${FIX7}/grants.jsonl`;
const TRUST = `${ROOT}fixtures/trust.test-only.json`;

const cli = (args: string[], input?: string): Promise<CliResult> => blockgate(args, input === undefined ? {} : { input });

const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

/** What holds for every run, whatever the vector. */
function commonContract(args: string[], r: CliResult, format: string | undefined): void {
  const where = JSON.stringify(args);
  expect([where, [0, 1, 2, 3].includes(r.code)]).toEqual([where, true]);
  expect([where, STACK.test(r.stdout) || STACK.test(r.stderr)]).toEqual([where, false]);
  if (format === 'json') {
    let parsed: unknown;
    expect(() => { parsed = JSON.parse(r.stdout); }, `${where}: stdout is not one JSON value: ${r.stdout.slice(0, 200)}`).not.toThrow();
    expect([where, typeof parsed, Array.isArray(parsed), parsed === null]).toEqual([where, 'object', false, false]);
    if (r.code === 1 || r.code === 3) expect([where, typeof (parsed as { error?: { code?: unknown } }).error?.code]).toEqual([where, 'string']);
  }
}

let EMPTY = '';
let DIR = '';
beforeAll(() => {
  DIR = mkdtempSync(join(tmpdir(), 'bg-argv-'));
  EMPTY = join(DIR, 'no-blockers.json');
  // A world with no blocker: every valid request is allowed, so the model is the request's validity.
  writeFileSync(EMPTY, '{"blockers": []}\n');
});

// ---- Directed: each rule of SPEC 3 once, with its message -------------------------------------

describe('the exit-code contract, case by case', () => {
  const request = () => ['--blockers', EMPTY, '--action', 'apply', '--env', 'production'];
  // [name, the vector, the message, whether --format json may lead the flags after `check`]
  const usage: [string, () => string[], string, boolean][] = [
    ['--target --help', () => ['check', ...request(), '--target', '--help'], '--target needs a value (it is followed by --help)', true],
    ['--at --version', () => ['check', ...request(), '--at', '--version'], '--at needs a value (it is followed by --version)', true],
    ['--target -h', () => ['check', ...request(), '--target', '-h'], '--target needs a value (it is followed by -h)', true],
    ['a bare --help among decision flags', () => ['check', ...request(), '--help'], '--help is honoured only alone after the command name (`blockgate check --help`)', true],
    ['a bare --version among decision flags', () => ['check', '--version', ...request()], '--version is honoured only alone after the command name', true],
    ['-h among decision flags', () => ['check', '-h', ...request()], '--help is honoured only alone', true],
    ['--help=true', () => ['check', '--help=true'], '--help is honoured only alone', true],
    ['--help before the command', () => ['--help', 'check'], '--help is honoured only alone after the command name (`blockgate --help`)', false],
    ['--help after a positional', () => ['ledger', 'bogus', '--help'], '--help is honoured only alone after the command name (`blockgate ledger --help`)', false],
    ['a value flag last', () => ['check', ...request(), '--target'], '--target needs a value (it is the last argument)', true],
    ['a value flag before --', () => ['check', ...request(), '--target', '--', 'x'], '--target needs a value (it is followed by --)', true],
    ['tokens after --', () => ['check', ...request(), '--', '--target', 'QT001'], '`blockgate check` takes no arguments after --; got --target', true],
    ['a misspelt flag', () => ['check', '--blockers', EMPTY, '--action', 'apply', '--enviroment', 'production'], 'unknown flag --enviroment for `blockgate check`; did you mean --env?', true],
    ['a near miss', () => ['check', ...request(), '--targt', 'QT001'], 'did you mean --target?', true],
    ['an unknown flag', () => ['check', ...request(), '--zzz'], 'unknown flag --zzz for `blockgate check`', true],
    ['an unknown short flag', () => ['check', ...request(), '-x'], 'unknown flag -x', true],
    ['a cluster of short flags', () => ['check', ...request(), '-hv'], 'unknown flag -hv', true],
    ['a camelCase twin', () => ['check', ...request(), '--insecureNoVerify'], 'did you mean --insecure-no-verify?', true],
    ['--no- on a value flag', () => ['check', ...request(), '--no-target'], 'unknown flag --no-target', true],
    ['a repeated flag', () => ['check', ...request(), '--action', 'apply'], '--action was given 2 times; give it once', true],
    ['a boolean with an odd value', () => ['check', ...request(), '--explain-plan=maybe'], '--explain-plan takes no value (or true/false), not "maybe"', true],
  ];
  for (const [name, args, message, jsonToo] of usage) {
    it(`${name}: usage, exit 1, nothing decided`, async () => {
      for (const format of jsonToo ? [undefined, 'json'] : [undefined]) {
        const [command, ...rest] = args();
        const argv = format === undefined ? args() : [command!, '--format', format, ...rest];
        const r = await cli(argv);
        expect([argv, r.code]).toEqual([argv, 1]);
        const said = format === 'json' ? (JSON.parse(r.stdout) as { error: { message: string } }).error.message : r.stderr.replace(/\s+/g, ' ');
        if (format === 'json') expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toBe('usage');
        expect(said).toContain(message);
        // The help text never stands in for a decision or an error.
        expect(r.stdout).not.toContain('Options:');
      }
    });
  }

  it('help and version alone after the command name: exit 0, text on stdout', async () => {
    for (const args of [['--help'], ['-h'], ['--version'], ['-v'], ['check', '--help'], ['check', '-h'], ['check', '--version'], ['ledger', '--help'], ['ledger', 'append', '--help'], ['replay', '--help']]) {
      const r = await cli(args);
      expect([args, r.code, r.stderr]).toEqual([args, 0, '']);
      expect(r.stdout).not.toBe('');
    }
    expect((await cli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('a value given with = is the value, even when it starts with --', async () => {
    const r = await cli(['check', ...request(), '--target=--help', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).request.target).toBe('--help');
  });

  it('a lone - after a value flag is its value (standard input, SPEC 1.1), in both spellings', async () => {
    for (const blockers of [['--blockers', '-'], ['--blockers=-']]) {
      const r = await cli(['check', ...blockers, '--action', 'apply', '--env', 'production', '--format', 'json'], '{"blockers": []}\n');
      expect([blockers, r.code, JSON.parse(r.stdout).allowed]).toEqual([blockers, 0, true]);
    }
    const r = await cli(['check', ...request(), '--insecure-no-verify', '-']);
    expect([r.code, r.stderr]).toEqual([1, 'error usage: --insecure-no-verify takes no value (or true/false), not "-"\n']);
  });

  it('an empty value is a value: an empty target is invalid input (exit 3)', async () => {
    for (const args of [['--target', ''], ['--target=']]) {
      const r = await cli(['check', ...request(), ...args, '--format', 'json']);
      expect([args, r.code, JSON.parse(r.stdout).error.code]).toEqual([args, 3, 'bad-request']);
    }
  });

  it('every usage error in junit and sarif is still one document on stdout, and a line on stderr', async () => {
    for (const format of ['junit', 'sarif']) {
      const r = await cli(['check', ...request(), '--bogus', '--format', format]);
      expect([format, r.code]).toEqual([format, 1]);
      expect(r.stderr).toContain('unknown flag --bogus');
      if (format === 'junit') {
        expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="blockgate" tests="1" failures="1"/);
        expect(r.stdout).toContain('<failure type="usage" message="unknown flag --bogus');
      } else {
        const notes = JSON.parse(r.stdout).runs[0].invocations[0].toolExecutionNotifications;
        expect(notes.map((n: { descriptor: { id: string } }) => n.descriptor.id)).toEqual(['usage']);
      }
    }
  });

  it('an input error in github format is an ::error line', async () => {
    const r = await cli(['check', '--blockers', join(DIR, 'missing.json'), '--action', 'apply', '--env', 'production', '--format', 'github']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^::error title=blockgate map-none::.*missing\.json/m);
  });
});

// ---- Generated --------------------------------------------------------------------------------

/** A piece of a vector: its tokens, and what it does to the expected exit code. */
interface Part { tokens: string[]; effect: 'none' | 'usage' | 'invalid' | 'control' }

const spelled = (flag: string, value: string) => fc.constantFrom([`--${flag}`, value], [`--${flag}=${value}`]);
const FLAG_LIKE = ['--help', '--version', '-h', '-v', '--x', '--target', '--format', '--'];
const printable = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
  .filter((s) => !s.startsWith('-') && !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(s) && s.trim() === s && s !== '');

/** The usage faults SPEC 3 names, each alone enough for exit 1. */
function usageFault(valueFlags: readonly string[]): fc.Arbitrary<Part[]> {
  return fc.oneof(
    fc.tuple(fc.constantFrom(...valueFlags), fc.constantFrom(...FLAG_LIKE.filter((t) => t !== '--'))).map(([f, v]) => [{ tokens: [`--${f}`, v], effect: 'usage' as const }]),
    fc.constantFrom('--help', '--version', '-h', '-v', '--help=true', '--no-version').map((t) => [{ tokens: [t], effect: 'usage' as const }]),
    fc.constantFrom('--bogus', '--enviroment', '--targt', '--blocker', '-x', '-hv', '--insecureNoVerify', '--no-target').map((t) => [{ tokens: [t, 'v'], effect: 'usage' as const }]),
    fc.constantFrom('--explain-plan=maybe', '--insecure-no-verify=1').map((t) => [{ tokens: [t], effect: 'usage' as const }]),
    fc.constantFrom('xml', 'JSON', '').map((f) => [{ tokens: ['--format', f], effect: 'usage' as const }]),
  );
}

interface CheckCase { args: string[]; expected: number[]; format: string | undefined }

const checkCase: fc.Arbitrary<CheckCase> = fc.record({
  world: fc.constantFrom('empty', 'empty', 'seed', 'missing', 'fix7'),
  action: fc.oneof({ arbitrary: fc.constantFrom(...ACTIONS).map((a) => ({ value: a, effect: 'none' as const })), weight: 8 },
    fc.constant({ value: 'deploy', effect: 'invalid' as const }), fc.constant(undefined)),
  env: fc.oneof({ arbitrary: fc.constantFrom(...ENVS).map((e) => ({ value: e, effect: 'none' as const })), weight: 8 },
    fc.constant({ value: 'prod', effect: 'invalid' as const }), fc.constant(undefined)),
  target: fc.oneof(
    fc.constant(undefined),
    printable.map((t) => ({ tokens: fc.sample(spelled('target', t), 1)[0]!, effect: 'none' as const })),
    fc.constantFrom('--help', '--x', '-v').map((t) => ({ tokens: [`--target=${t}`], effect: 'none' as const })),
    fc.constant({ tokens: ['--target', ''], effect: 'invalid' as const }),
    fc.constantFrom('a\nb', 'x\u001b[31m', 'q\u0000').map((t) => ({ tokens: [`--target=${t}`], effect: 'control' as const })),
  ),
  at: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.constantFrom('2026-11-25T12:00:00Z', '2026-11-25T14:00:00+02:00').map((t) => ({ value: t, effect: 'none' as const })), weight: 3 },
    fc.constantFrom('yesterday', '2026-13-01T00:00:00Z').map((t) => ({ value: t, effect: 'invalid' as const }))),
  format: fc.option(fc.constantFrom(...FORMATS), { nil: undefined }),
  extras: fc.subarray([['--explain-plan'], ['--insecure-no-verify'], ['--explain-plan', 'true'], ['--no-explain-plan']]),
  // Faults are rarer than valid parts, so that most vectors are decided and some allowed.
  faults: fc.oneof({ arbitrary: fc.constant([]), weight: 3 },
    fc.array(usageFault(['blockers', 'action', 'env', 'target', 'at', 'ledger', 'trust', 'catalog', 'format', 'ledger-head', 'decision-log']), { minLength: 1, maxLength: 2 })),
  repeat: fc.oneof({ arbitrary: fc.constant(false), weight: 6 }, fc.constant(true)),
  tail: fc.option(fc.constantFrom(['--'], ['--', '--help'], ['--', 'QT001'], ['--', '--target', 'x']), { nil: undefined, freq: 6 }),
  order: fc.infiniteStream(fc.integer()),
  equals: fc.boolean(),
}).map((c) => {
  const parts: Part[] = [];
  const map = { empty: EMPTY, seed: SEED, missing: join(DIR, 'missing-*.json'), fix7: SEED }[c.world];
  parts.push({ tokens: c.equals ? [`--blockers=${map}`] : ['--blockers', map], effect: c.world === 'missing' ? 'invalid' : 'none' });
  if (c.world === 'fix7') parts.push({ tokens: ['--ledger', LEDGER, '--trust', TRUST], effect: 'none' });
  if (c.action) parts.push({ tokens: c.equals ? [`--action=${c.action.value}`] : ['--action', c.action.value], effect: c.action.effect });
  else parts.push({ tokens: [], effect: 'usage' });
  if (c.env) parts.push({ tokens: ['--env', c.env.value], effect: c.env.effect });
  else parts.push({ tokens: [], effect: 'usage' });
  if (c.target) parts.push({ tokens: [...c.target.tokens], effect: c.target.effect });
  if (c.at) parts.push({ tokens: ['--at', c.at.value], effect: c.at.effect });
  // FIX7's answer depends on time: give it the matrix's time unless the vector sets one.
  else if (c.world === 'fix7') parts.push({ tokens: ['--at', '2026-11-25T12:00:00Z'], effect: 'none' });
  if (c.format) parts.push({ tokens: ['--format', c.format], effect: 'none' });
  for (const e of c.extras) parts.push({ tokens: e, effect: 'none' });
  for (const f of c.faults) parts.push(...f);
  if (c.repeat && c.action) parts.push({ tokens: ['--action', c.action.value], effect: 'usage' });
  // Flags in any order: a seeded shuffle of the parts (each keeps its own tokens together).
  const keys = [...c.order.take(parts.length)];
  const shuffled = parts.map((p, i) => ({ p, k: keys[i]! })).sort((a, b) => a.k - b.k).map((x) => x.p);
  const tail = c.tail ?? [];
  if (tail.length > 1) shuffled.push({ tokens: [], effect: 'usage' });
  const args = ['check', ...shuffled.flatMap((p) => p.tokens), ...tail];
  const effects = new Set(shuffled.map((p) => p.effect));
  // The format errors are rendered in: the last --format that is a real one, as main reads it.
  const formats = args.flatMap((a, i) => (a === '--format' ? [args[i + 1] ?? ''] : a.startsWith('--format=') ? [a.slice(9)] : []));
  const format = formats.length > 0 ? formats[formats.length - 1] : undefined;
  const decided = c.world === 'empty' ? 0 : c.world === 'fix7' ? allowedWithLedger(c.action?.value, c.env?.value) : 2;
  let expected: number[];
  if (effects.has('usage')) expected = [1];
  else if (effects.has('invalid')) expected = [3];
  // A target with control characters: decided, or refused as invalid; never anything else.
  else if (effects.has('control')) expected = [decided, 3];
  else expected = [decided];
  return { args, expected, format };
});

/** FIX7 with its ledger at the generated times: the cells the README's demo shows allowed (exit 0), the rest denied. */
let FIX7_ALLOWED = new Set<string>();
function allowedWithLedger(action: string | undefined, env: string | undefined): number {
  return FIX7_ALLOWED.has(`${action}@${env}`) ? 0 : 2;
}

describe('generated argument vectors for check', () => {
  beforeAll(async () => {
    // The decided answer on FIX7 with its ledger comes from the matrix, the same policy through another command.
    const r = await cli(['matrix', '--blockers', SEED, '--ledger', LEDGER, '--trust', TRUST, '--at', '2026-11-25T12:00:00Z', '--format', 'json']);
    const rows = JSON.parse(r.stdout).matrix as { action: string; environment: string; allowed: boolean }[];
    FIX7_ALLOWED = new Set(rows.filter((x) => x.allowed).map((x) => `${x.action}@${x.environment}`));
    expect(FIX7_ALLOWED.size).toBeGreaterThan(0);
  });

  it(`exit 0 only when the model says allowed; ${RUNS} vectors`, async () => {
    let allowed = 0;
    await fc.assert(fc.asyncProperty(checkCase, async ({ args, expected, format }) => {
      const timed = args;
      const r = await cli(timed);
      commonContract(timed, r, format);
      expect([timed, expected.includes(r.code)], `${JSON.stringify(timed)} exit ${r.code}, expected ${expected}: ${r.stderr}${r.stdout.slice(0, 300)}`).toEqual([timed, true]);
      if (r.code === 0) {
        allowed++;
        if (format === 'json') expect(JSON.parse(r.stdout).allowed).toBe(true);
      }
    }), {
      numRuns: RUNS,
      // Allowed answers are always among the vectors run (else "0 only when allowed" could pass by never allowing).
      examples: [
        [{ args: ['check', '--env', 'staging', '--blockers', EMPTY, '--action', 'apply', '--format', 'json'], expected: [0], format: 'json' }],
        [{ args: ['check', '--blockers', SEED, '--ledger', LEDGER, '--trust', TRUST, '--action', 'real-run', '--env', 'staging', '--at', '2026-11-25T12:00:00Z'], expected: [0], format: undefined }],
      ],
    });
    expect(allowed).toBeGreaterThanOrEqual(2);
  }, 120_000 + RUNS * 2_000);
});

// ---- The other commands: the same contract, their own flags --------------------------------

interface CommandSpec { path: string[]; valid: () => string[][]; valueFlags: string[]; success: number; formats: string[] }

const COMMANDS: CommandSpec[] = [
  { path: ['plan'], valid: () => [['--blockers', SEED], ['--action', 'apply'], ['--env', 'production'], ['--at', '2026-11-25T12:00:00Z']], valueFlags: ['blockers', 'action', 'env', 'target', 'at'], success: 0, formats: ['text', 'json'] },
  { path: ['matrix'], valid: () => [['--blockers', EMPTY], ['--at', '2026-11-25T12:00:00Z']], valueFlags: ['blockers', 'at', 'ledger', 'trust'], success: 0, formats: FORMATS },
  { path: ['what-if'], valid: () => [['--blockers', SEED], ['--ledger', LEDGER], ['--trust', TRUST], ['--revoke', 'G-OWNER-REALRUN-1']], valueFlags: ['blockers', 'revoke', 'add', 'at'], success: 0, formats: FORMATS },
  { path: ['validate'], valid: () => [['--blockers', EMPTY]], valueFlags: ['blockers', 'ledger', 'trust', 'catalog'], success: 0, formats: ['text', 'json'] },
  { path: ['ledger', 'verify'], valid: () => [['--ledger', LEDGER], ['--trust', TRUST]], valueFlags: ['ledger', 'trust'], success: 0, formats: ['text', 'json'] },
  { path: ['ledger', 'head'], valid: () => [['--ledger', LEDGER]], valueFlags: ['ledger', 'trust'], success: 0, formats: ['text', 'json'] },
];

describe('generated argument vectors for the other commands', () => {
  for (const spec of COMMANDS) {
    it(`${spec.path.join(' ')}: a usage fault is exit 1, a valid vector its success code`, async () => {
      const runs = Math.max(10, Math.floor(RUNS / 4));
      await fc.assert(fc.asyncProperty(
        fc.record({
          faults: fc.array(usageFault(spec.valueFlags), { maxLength: 2 }),
          format: fc.option(fc.constantFrom(...spec.formats), { nil: undefined }),
          order: fc.infiniteStream(fc.integer()),
          tail: fc.option(fc.constantFrom(['--', 'x'], ['--', '--help']), { nil: undefined }),
        }),
        async ({ faults, format, order, tail }) => {
          const parts: Part[] = spec.valid().map((tokens) => ({ tokens, effect: 'none' }));
          if (format) parts.push({ tokens: ['--format', format], effect: 'none' });
          for (const f of faults) parts.push(...f);
          const keys = [...order.take(parts.length)];
          const shuffled = parts.map((p, i) => ({ p, k: keys[i]! })).sort((a, b) => a.k - b.k).map((x) => x.p);
          const args = [...spec.path, ...shuffled.flatMap((p) => p.tokens), ...(tail ?? [])];
          const usage = shuffled.some((p) => p.effect === 'usage') || tail !== undefined;
          const formats = args.flatMap((a, i) => (a === '--format' ? [args[i + 1] ?? ''] : []));
          const r = await cli(args);
          commonContract(args, r, formats[formats.length - 1]);
          expect([args, r.code], `${r.stderr}${r.stdout.slice(0, 300)}`).toEqual([args, usage ? 1 : spec.success]);
        },
      ), { numRuns: runs });
    }, 120_000 + RUNS * 1_000);
  }
});
