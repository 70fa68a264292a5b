// Every format of every command, run as a user would (bin/blockgate in its own process).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { openGate } from '../../src/index.js';
import { BIN, FIX7, ROOT, blockgate } from '../support/cli.js';

const AT = '2026-11-25T12:00:00Z';
const MAP = 'fixtures/fix7/production-readiness-blocker-map.json';
const INPUTS = ['--blockers', MAP, '--ledger', 'fixtures/fix7/grants.jsonl', '--trust', 'fixtures/trust.test-only.json', '--at', AT];
const DENIED = ['--action', 'apply', '--env', 'production'];
const ALLOWED = ['--action', 'real-run', '--env', 'staging'];

const SARIF_SCHEMA = process.env.BLOCKGATE_SARIF_SCHEMA
  ?? fileURLToPath(new URL('../../node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json', import.meta.url));
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const sarifValid = existsSync(SARIF_SCHEMA)
  ? (() => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const v = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')) as object);
    return (doc: unknown) => (v(doc) ? [] : v.errors);
  })()
  : undefined;

const count = (text: string, what: RegExp) => (text.match(what) ?? []).length;
const json = async (args: string[]) => (await blockgate([...args, '--format', 'json'])).json;

describe('--format for check', () => {
  let decision: any;
  beforeAll(async () => { decision = await json(['check', ...INPUTS, ...DENIED]); });

  it('every format keeps the exit code: 2 denied, 0 allowed', async () => {
    for (const format of ['text', 'json', 'junit', 'github', 'sarif']) {
      const denied = await blockgate(['check', ...INPUTS, ...DENIED, '--format', format]);
      expect([format, denied.code, denied.stderr]).toEqual([format, 2, '']);
      expect(denied.stdout).not.toBe('');
      const allowed = await blockgate(['check', ...INPUTS, ...ALLOWED, '--format', format]);
      expect([format, allowed.code, allowed.stderr]).toEqual([format, 0, '']);
    }
  });

  it('junit: a test case per applicable blocker, a failure per denial', async () => {
    const xml = (await blockgate(['check', ...INPUTS, ...DENIED, '--format', 'junit'])).stdout;
    expect(count(xml, /<testcase /g)).toBe(decision.denials.length + decision.satisfied.length);
    expect(count(xml, /<failure /g)).toBe(decision.denials.length);
    expect(xml).toContain('<testcase name="FIX7-P0-DRYRUN-PROD-ROLLBACK-1" classname="blockgate.apply.production"');
  });

  it('github: an ::error per denial, titled with its blocker id', async () => {
    const out = (await blockgate(['check', ...INPUTS, ...DENIED, '--format', 'github', '--explain-plan'])).stdout;
    const titles = [...out.matchAll(/^::error title=([^,:]+)/gm)].map((m) => m[1]);
    expect(titles).toEqual(decision.denials.map((d: { blocker_id: string }) => d.blocker_id));
    expect(out).toContain('::notice title=blockgate plan for apply@production::operator: grant apply@production resolving FIX7-P0-DRYRUN-PROD-ROLLBACK-1');
  });

  it('sarif: a result per denial at the map file, and valid SARIF 2.1.0', async () => {
    const log = JSON.parse((await blockgate(['check', ...INPUTS, ...DENIED, '--format', 'sarif'])).stdout);
    const results = log.runs[0].results;
    expect(results.map((r: { ruleId: string }) => r.ruleId)).toEqual(decision.denials.map((d: { blocker_id: string }) => d.blocker_id));
    expect(results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(MAP);
    if (sarifValid) expect(sarifValid(log)).toEqual([]);
  });
});

describe('--format for matrix', () => {
  let matrix: { action: string; environment: string; allowed: boolean; denials: string[] }[];
  let denials: number;
  beforeAll(async () => {
    matrix = (await json(['matrix', ...INPUTS])).matrix;
    denials = matrix.reduce((n, r) => n + r.denials.length, 0);
  });

  it('json is exactly what the library decides', async () => {
    const gate = await openGate({ blockers: [join(ROOT, MAP)], ledger: join(FIX7, 'grants.jsonl'), trust: join(ROOT, 'fixtures/trust.test-only.json') });
    expect(matrix).toEqual(gate.matrix(AT));
    expect(matrix).toHaveLength(21);
  });

  it('junit: one suite per action × environment', async () => {
    const r = await blockgate(['matrix', ...INPUTS, '--format', 'junit']);
    expect(r.code).toBe(0);
    expect(count(r.stdout, /<testsuite /g)).toBe(21);
    expect(count(r.stdout, /<failure /g)).toBe(denials);
    expect(r.stdout).toContain('<testsuite name="real-run@staging" tests="1" failures="0"');
  });

  it('github: one ::error per denied cell and blocker, on the blocker\'s line', async () => {
    const r = await blockgate(['matrix', ...INPUTS, '--format', 'github']);
    expect(r.code).toBe(0);
    expect(count(r.stdout, /^::error /gm)).toBe(denials);
    expect(r.stdout).toMatch(/^::error title=FIX7-P0-PLAN-REALRUN-1,file=fixtures\/fix7\/production-readiness-blocker-map.json,line=\d+::real-run@development is denied/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('blockgate matrix: 1 of 21 cells allowed');
  });

  it('sarif: a rule per blocker id, a result per denial, valid SARIF 2.1.0', async () => {
    const r = await blockgate(['matrix', ...INPUTS, '--format', 'sarif']);
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout);
    const ids = new Set(matrix.flatMap((row) => row.denials));
    expect(log.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toEqual([...ids].sort());
    expect(log.runs[0].results).toHaveLength(denials);
    if (sarifValid) expect(sarifValid(log)).toEqual([]);
  });
});

describe('--format for what-if', () => {
  it('every format works, exit 0', async () => {
    for (const format of ['text', 'json', 'junit', 'github', 'sarif']) {
      const r = await blockgate(['what-if', ...INPUTS, '--revoke', 'G-OWNER-REALRUN-1', '--format', format]);
      expect([format, r.code, r.stderr]).toEqual([format, 0, '']);
    }
    const github = (await blockgate(['what-if', ...INPUTS, '--revoke', 'G-OWNER-REALRUN-1', '--format', 'github'])).stdout;
    expect(github).toContain('::notice title=what-if real-run@staging::real-run@staging: allowed -> denied');
    expect(github).toMatch(/^::error title=FIX7-P0-PLAN-REALRUN-1,file=fixtures\/fix7\/production-readiness-blocker-map.json,line=\d+::real-run@staging is denied after the what-if changes \(it was allowed\) by FIX7-P0-PLAN-REALRUN-1/m);
    expect(github).toMatch(/^::error title=FIX7-P0-DRYRUN-PROD-ROLLBACK-1,[^:]*::apply@production is still denied after the what-if changes by /m);
    const sarif = JSON.parse((await blockgate(['what-if', ...INPUTS, '--revoke', 'G-OWNER-REALRUN-1', '--format', 'sarif'])).stdout);
    if (sarifValid) expect(sarifValid(sarif)).toEqual([]);
  });
});

describe('a format that does not apply, or does not exist, is a usage error (exit 1)', () => {
  const cases: [string[], string][] = [
    [['plan', ...INPUTS, ...DENIED, '--format', 'sarif'], '--format sarif is not available for plan'],
    [['plan', ...INPUTS, ...DENIED, '--format', 'junit'], '--format junit is not available for plan'],
    [['validate', '--blockers', MAP, '--format', 'github'], '--format github is not available for validate'],
    [['report', ...INPUTS, '--html', '/tmp/never-written.html', '--format', 'sarif'], '--format sarif is not available for report'],
    [['matrix', ...INPUTS, '--format', 'xml'], "unknown --format 'xml'; known formats: text, json, junit, github, sarif"],
    [['check', ...INPUTS, ...DENIED, '--format', 'html'], "unknown --format 'html'"],
  ];
  for (const [args, message] of cases) {
    it(`${args[0]} ${args.slice(-2).join(' ')}`, async () => {
      const r = await blockgate(args);
      expect(r.code).toBe(1);
      // SPEC 3: junit and sarif carry one valid document on stdout, errors included.
      const format = args.at(-1)!;
      if (format === 'junit') expect(r.stdout).toMatch(/<testsuites[\s\S]*<failure[\s\S]*<\/testsuites>/);
      else if (format === 'sarif') expect(JSON.parse(r.stdout).runs[0].invocations[0].executionSuccessful).toBe(false);
      else expect(r.stdout).toBe('');
      expect(r.stderr.replace(/\s+/g, ' ')).toContain(message);
    });
  }
});

describe('progress', () => {
  it('nothing on stderr when it is not a terminal', async () => {
    for (const args of [['matrix', ...INPUTS, '--format', 'json'], ['report', ...INPUTS, '--html', join(mkdtempSync(join(tmpdir(), 'bg-')), 'r.html')]]) {
      const r = await blockgate(args);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    }
  });

  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  it.runIf(hasScript)('on a terminal: a counter on stderr only, never in the JSON on stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bg-tty-'));
    const out = join(dir, 'matrix.json');
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    // script(1) gives the command a terminal; stdout goes to a file, so the terminal shows stderr alone.
    const cmd = `${quote(process.execPath)} ${quote(BIN)} matrix ${INPUTS.map(quote).join(' ')} --format json > ${quote(out)}`;
    const r = spawnSync('script', ['-qefc', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('\r\x1b[Kblockgate: deciding 21/21');
    expect(r.stdout.endsWith('\r\x1b[K')).toBe(true);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toMatch(/[\r\x1b]/);
    expect(JSON.parse(text).matrix).toHaveLength(21);
  });
});
