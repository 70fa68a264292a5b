// The host's time builtins (src/engine/time-builtins.ts) against native OPA (SPEC 6): generated
// times, zones, offsets and RFC 3339 texts, each case evaluated by `opa eval` (all cases in one
// process, over a data file) and by a WASM build of the same Rego through loadClockedPolicy.
// Answers are JSON texts, compared exactly; a case that errors in OPA (no answer: OPA's builtin
// errors leave the expression undefined) must throw a TimeBuiltinError in the host.
//
// TIME_BUILTIN_RUNS sets the number of cases (default 300), TIME_BUILTIN_SEED the seed.

import { spawn, execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClockedPolicy, TimeBuiltinError, type ClockedPolicy } from '../../src/engine/time-builtins.js';
import { OPA } from './opa.js';

const RUNS = Number(process.env.TIME_BUILTIN_RUNS ?? 300);
const SEED = Number(process.env.TIME_BUILTIN_SEED ?? 20261202);
const BATCH = fileURLToPath(new URL('./time-builtins/batch.rego', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Generated cases: each operand is JSON text, so nanosecond values are written exactly.

const NS = 1_000_000_000n;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const utcSeconds = (...fields: [number, number, number, number?, number?]) => BigInt(Date.UTC(...fields) / 1000);

/** Instants near which wall clocks jump: DST changes, a skipped day, leap days, year ends. */
const EDGES: bigint[] = [
  utcSeconds(2026, 2, 29, 1), utcSeconds(2026, 9, 25, 1), // Europe/Berlin
  utcSeconds(2026, 2, 8, 7), utcSeconds(2026, 10, 1, 6), // America/New_York
  utcSeconds(2026, 3, 4, 15), utcSeconds(2026, 9, 3, 15, 30), // Australia/Lord_Howe (half-hour DST)
  utcSeconds(2011, 11, 30, 10), // Pacific/Apia skipped 30 December 2011
  utcSeconds(2024, 1, 29), utcSeconds(2000, 1, 29), utcSeconds(1900, 2, 1), utcSeconds(2100, 2, 1),
  utcSeconds(2026, 11, 31, 23), 0n, utcSeconds(1893, 3, 31, 23), // Berlin leaves local mean time
];

const ZONES = [
  '', 'UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Calcutta', 'Australia/Lord_Howe',
  'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns', 'Pacific/Apia', 'Europe/London', 'Asia/Tokyo',
  'America/Sao_Paulo', 'Etc/GMT+5', 'Etc/GMT-14', 'US/Eastern', 'Europe/Kyiv', 'America/Los_Angeles',
];
/** Refused by both: unknown, wrong case, not a name. */
const BAD_ZONES = ['Mars/Olympus', 'europe/berlin', 'Europe/berlin', '../etc/passwd', '+05:00', 'Europe/Berlin ', 'Europe/'];

/** Numbers OPA reads in its own way: exponents, fractions that round away, the int64 edges. */
const ODD_NUMBERS = [
  '1.5', '1e3', '1E2', '1.7e18', '-0', '0.5', '1e-7', '123456789e-3', '1764633600000000000.0',
  '1764633600000000000.01', '1764633600000000000.5', '0.99999999999999999999999999', '9.3e18',
  '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809',
  '9223372036854775807.4', '-9223372036854775808.4', '-1.5', '12345678901234567890123',
];

const nsText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: utcSeconds(1900, 0, 1) * NS, max: utcSeconds(2100, 0, 1) * NS }).map(String) },
  { weight: 2, arbitrary: fc.bigInt({ min: I64_MIN, max: I64_MAX }).map(String) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...EDGES), fc.bigInt({ min: -3n * 3600n * NS, max: 3n * 3600n * NS })).map(([s, d]) => String(s * NS + d)) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_NUMBERS) },
  { weight: 1, arbitrary: fc.oneof(fc.bigInt({ min: I64_MIN - 5n, max: I64_MIN + 5n }), fc.bigInt({ min: I64_MAX - 5n, max: I64_MAX + 5n })).map(String) },
);

const timeArg: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: nsText },
  { weight: 6, arbitrary: fc.tuple(nsText, fc.constantFrom(...ZONES)).map(([n, z]) => `[${n},${JSON.stringify(z)}]`) },
  { weight: 1, arbitrary: fc.tuple(nsText, fc.constantFrom(...BAD_ZONES)).map(([n, z]) => `[${n},${JSON.stringify(z)}]`) },
  { weight: 1, arbitrary: fc.tuple(nsText, fc.constantFrom('UTC', 'Europe/Berlin')).map(([n, z]) => `[${n},${JSON.stringify(z)},"RFC3339"]`) },
  { weight: 1, arbitrary: fc.constantFrom('[]', '"2026"', '[0,5]', '["0"]', 'null', '[0,"UTC",7]', '{"ns":0}', '[1.5,"UTC"]') },
);

const intArg: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -30, max: 30 }).map(String) },
  { weight: 2, arbitrary: fc.integer({ min: -5000, max: 5000 }).map(String) },
  { weight: 1, arbitrary: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('1.5', '2.0', '1e2', '"1"', '-0', '9223372036854775808', 'null') },
);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** RFC 3339 texts, mostly valid, some in the forms Go's parser takes beyond the RFC, some that no one takes. */
const rfc3339Text: fc.Arbitrary<string> = fc.record({
  year: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1678, max: 2261 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 9999 }) }, { weight: 1, arbitrary: fc.constantFrom(1677, 2262) }),
  month: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 13, 2) }),
  day: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 28 }) }, { weight: 2, arbitrary: fc.integer({ min: 29, max: 31 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 32) }),
  hour: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 23 }) }, { weight: 1, arbitrary: fc.constant(24) }),
  shortHour: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  minute: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 59 }) }, { weight: 1, arbitrary: fc.constant(60) }),
  second: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 59 }) }, { weight: 1, arbitrary: fc.constantFrom(60, 61) }),
  fraction: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 3, arbitrary: digits(1, 12).map((d) => `.${d}`) }, { weight: 1, arbitrary: digits(1, 4).map((d) => `,${d}`) }, { weight: 1, arbitrary: fc.constantFrom('.', '.x') }),
  zone: fc.oneof(
    { weight: 3, arbitrary: fc.constant('Z') },
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 14 }), fc.constantFrom(0, 30, 45)).map(([s, h, m]) => `${s}${pad(h)}:${pad(m)}`) },
    { weight: 1, arbitrary: fc.constantFrom('z', '', '+0100', '+1:00', '+23:59', '+24:00', '-24:00', '+25:00', '+23:60', '+23:61', '+01:00:00', 'UTC') },
  ),
  separator: fc.oneof({ weight: 12, arbitrary: fc.constant('T') }, { weight: 1, arbitrary: fc.constantFrom('t', ' ') }),
  extra: fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', 'x', '\n') }),
}).map((p) => `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}${p.separator}${p.shortHour ? String(p.hour % 10) : pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${p.fraction}${p.zone}${p.extra}`);

interface TimeCase { fn: string; args: string[] }

const arbCase: fc.Arbitrary<TimeCase> = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('date', 'clock', 'weekday'), timeArg).map(([fn, t]) => ({ fn, args: [t] })) },
  { weight: 2, arbitrary: fc.tuple(timeArg, intArg, intArg, intArg).map((args) => ({ fn: 'add_date', args })) },
  { weight: 2, arbitrary: fc.tuple(timeArg, timeArg).map((args) => ({ fn: 'diff', args })) },
  { weight: 2, arbitrary: rfc3339Text.map((t) => ({ fn: 'parse_rfc3339_ns', args: [JSON.stringify(t)] })) },
  { weight: 1, arbitrary: fc.constantFrom('0', 'null', '["2026-01-01T00:00:00Z"]').map((t) => ({ fn: 'parse_rfc3339_ns', args: [t] })) },
);

const caseText = (c: TimeCase, i: number) => `{"i":${i},"fn":${JSON.stringify(c.fn)},"args":[${c.args.join(',')}]}`;

// ---------------------------------------------------------------------------------------------
// The two evaluators.

let dir: string;
let policy: ClockedPolicy;

/** `opa build -t wasm` of one Rego file, as a compiled module. */
function buildWasm(source: string, entrypoints: string[]): WebAssembly.Module {
  const out = mkdtempSync(join(dir, 'build-'));
  execFileSync(OPA, ['build', '-t', 'wasm', ...entrypoints.flatMap((e) => ['-e', e]), '-o', join(out, 'bundle.tar.gz'), source]);
  execFileSync('tar', ['-xzf', join(out, 'bundle.tar.gz'), '-C', out, '/policy.wasm'], { stdio: ['ignore', 'ignore', 'ignore'] });
  return new WebAssembly.Module(readFileSync(join(out, 'policy.wasm')));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'blockgate-time-'));
  policy = loadClockedPolicy(buildWasm(BATCH, ['timebuiltins/one', 'timebuiltins/now', 'timebuiltins/message']));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Native OPA over every case at once: case index -> answer; a case without one errored. */
async function nativeAnswers(texts: string[]): Promise<Map<number, string>> {
  const data = join(dir, 'cases.json');
  writeFileSync(data, `{"cases":[${texts.join(',')}]}`);
  const out = join(dir, 'out.json');
  const fd = openSync(out, 'w');
  let stderr = '';
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(OPA, ['eval', '--format', 'json', '-d', BATCH, '-d', data, 'data.timebuiltins.results'], { stdio: ['ignore', fd, 'pipe'] });
    child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? -1));
  });
  closeSync(fd);
  if (code !== 0) throw new Error(`opa eval exited ${code}: ${stderr.slice(0, 2000)}`);
  // Every answer is a string (JSON text), so this parse loses nothing.
  const parsed = JSON.parse(readFileSync(out, 'utf8')) as { result?: { expressions: { value: Record<string, string> }[] }[] };
  const values = parsed.result?.[0]?.expressions[0]?.value;
  if (!values) throw new Error('opa eval gave no result');
  return new Map(Object.entries(values).map(([i, v]) => [Number(i), v]));
}

/** The host: one evaluation per case; 'error' for a TimeBuiltinError, anything else is named as what it is. */
function hostAnswer(text: string): string {
  try {
    const results = policy.evaluate(new TextEncoder().encode(text).buffer, 'timebuiltins/one') as { result?: unknown }[];
    const result = results[0]?.result;
    return typeof result === 'string' ? result : `no answer (${JSON.stringify(results)})`;
  } catch (e) {
    return e instanceof TimeBuiltinError ? 'error' : `crash: ${String((e as Error)?.message ?? e)}`;
  }
}

describe('time builtins: host versus native opa eval', () => {
  it(`agrees on ${RUNS} generated cases (seed ${SEED})`, async () => {
    const cases = fc.sample(arbCase, { seed: SEED, numRuns: RUNS });
    const texts = cases.map(caseText);
    const native = await nativeAnswers(texts);
    const differences: string[] = [];
    const answered = new Map<string, number>();
    texts.forEach((text, i) => {
      const expected = native.get(i) ?? 'error';
      const actual = hostAnswer(text);
      if (expected !== 'error') answered.set(cases[i]!.fn, (answered.get(cases[i]!.fn) ?? 0) + 1);
      if (actual !== expected) differences.push(`${text}\n  opa:  ${expected}\n  host: ${actual}`);
    });
    expect(differences.slice(0, 20).join('\n'), `${differences.length} difference(s); rerun with TIME_BUILTIN_SEED=${SEED}`).toBe('');
    // Not vacuous: a good share of cases have an answer (about 40% with these weights), in every builtin.
    const total = [...answered.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(RUNS * 0.3);
    for (const fn of ['date', 'clock', 'weekday', 'add_date', 'diff', 'parse_rfc3339_ns']) expect(answered.get(fn) ?? 0, fn).toBeGreaterThan(0);
  });
});

describe('time.now_ns through WASM', () => {
  it('is the input at, exact through Rego arithmetic and back into the builtins', () => {
    const at = Date.UTC(2026, 11, 2); // midnight: one nanosecond earlier is another day
    const [{ result }] = policy.evaluate({ at }, 'timebuiltins/now') as [{ result: string }];
    expect(result).toBe('[1796169600000000000,1796169599999999999,[2026,12,1],[19,0,0],true]');
  });

  it('fails the evaluation when the input has no integer at, then serves the next one', () => {
    expect(() => policy.evaluate({}, 'timebuiltins/now')).toThrow(TimeBuiltinError);
    expect(() => policy.evaluate({ at: 1.5 }, 'timebuiltins/now')).toThrow(/time\.now_ns: .*1\.5/);
    const [{ result }] = policy.evaluate({ at: 0 }, 'timebuiltins/now') as [{ result: string }];
    expect(result).toBe('[0,-1,[1969,12,31],[19,0,0],true]');
  });
});

describe('the host beside opa-wasm', () => {
  it("calls opa-wasm's JavaScript builtins as opa-wasm does, next to the time builtins", () => {
    expect(policy.importedBuiltins).toEqual(['sprintf', 'time.add_date', 'time.clock', 'time.date', 'time.diff', 'time.now_ns', 'time.parse_rfc3339_ns', 'time.weekday']);
    const [{ result }] = policy.evaluate({ at: Date.UTC(2026, 11, 2, 9, 30) }, 'timebuiltins/message') as [{ result: string }];
    expect(result).toBe('freeze at 10:30');
  });

  it('refuses at load a bundle that calls a builtin neither WASM nor the host provides', () => {
    const module = buildWasm(fileURLToPath(new URL('./time-builtins/unprovided.rego', import.meta.url)), ['timebuiltins_unprovided/formatted']);
    expect(() => loadClockedPolicy(module)).toThrow("the policy calls the builtin time.format, which neither OPA's WASM nor this host provides");
  });
});
