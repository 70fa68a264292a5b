import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Log } from 'sarif';
import type { Problem } from '../errors.js';
import { describe, expect, it } from 'vitest';
import { CTX, PLAN, RULE_CTX, decision, denial, ruleDenial, ruleSample, sampleMatrix, sampleRuleMatrix, sampleWhatIf } from '../../test/support/render-samples.js';
import { artifactUri, sarifRenderer } from './sarif.js';

/**
 * The SARIF 2.1.0 JSON schema as Microsoft's SARIF SDK ships it (the OASIS schema, declared as
 * draft 2020-12) in the npm package @microsoft/sarif-multitool-linux. BLOCKGATE_SARIF_SCHEMA
 * names another copy.
 */
const SCHEMA = process.env.BLOCKGATE_SARIF_SCHEMA
  ?? fileURLToPath(new URL('../../node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json', import.meta.url));

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

function schemaValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
}

const parse = (text: string) => JSON.parse(text) as Log;

const LEDGER_CHAIN: Problem = { code: 'ledger-chain', message: 'grants.jsonl line 4: prev does not match' };
const MAP_PARSE: Problem = { code: 'map-parse', message: 'maps/a b.json line 3: not JSON', file: 'maps/a b.json', line: 3 };
const USAGE: Problem = { code: 'usage', message: '--target needs a value (it is followed by --help)' };

describe('sarif renderer', () => {
  it('check: one rule per denied blocker, one error result per denial, located at its map', () => {
    const d = decision('apply', 'production', [denial('B-1'), denial('B-2', { mode: 'any' })], ['B-3']);
    const log = parse(sarifRenderer.check({ decision: d }, CTX));
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe('blockgate');
    expect(run.tool.driver.rules!.map((r) => r.id)).toEqual(['B-1', 'B-2']);
    expect(run.results!.map((r) => [r.ruleId, r.ruleIndex, r.level])).toEqual([['B-1', 0, 'error'], ['B-2', 1, 'error']]);
    expect(run.results![0]!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('maps/readiness.json');
    expect(run.results![1]!.message.text).toBe('apply@production is denied by B-2: missing operator (needs any of: operator, owner); missing-grant. Next: next for B-2');
    expect(run.tool.driver.rules![0]!.help!.text).toBe('Next action: next for B-1');
    expect(run.properties!.allowed).toBe(false);
  });

  it('an allowed request: rules and results are empty', () => {
    const run = parse(sarifRenderer.check({ decision: decision('apply', 'staging', [], ['B-3']) }, CTX)).runs[0]!;
    expect(run.results).toEqual([]);
    expect(run.tool.driver.rules).toEqual([]);
  });

  it('matrix: a rule per blocker id, shared by every cell it denies; the map line as the region', () => {
    const { rows, detail } = sampleMatrix();
    const run = parse(sarifRenderer.matrix({ rows, ...detail }, CTX)).runs[0]!;
    expect(run.tool.driver.rules!.map((r) => r.id)).toEqual(['B-1', 'B-2']);
    expect(run.results!.map((r) => [r.ruleId, r.ruleIndex, r.properties!.action, r.properties!.environment])).toEqual([
      ['B-1', 0, 'apply', 'production'], ['B-2', 1, 'apply', 'production'], ['B-1', 0, 'cutover', 'production'],
    ]);
    expect(run.results![2]!.locations![0]!.physicalLocation!.region).toEqual({ startLine: 10 });
    expect(new Set(run.results!.map((r) => r.partialFingerprints!['blockgateCell/v1'])).size).toBe(3);
  });

  it('check: a rule denial gets one rule named and described by its METADATA title and description, its result on the rule file', () => {
    const { decision: d, plan } = ruleSample();
    const run = parse(sarifRenderer.check({ decision: d, plan }, RULE_CTX)).runs[0]!;
    expect(run.tool.driver.rules!.map((r) => r.id)).toEqual(['B-1', 'FREEZE']);
    expect(run.tool.driver.rules![1]).toEqual({
      id: 'FREEZE', name: 'Change freeze',
      shortDescription: { text: 'Change freeze' }, fullDescription: { text: 'No production apply inside a freeze window.' },
      defaultConfiguration: { level: 'error' }, help: { text: 'Next action: next for FREEZE' },
      properties: { kind: 'rule', source: 'rules/freeze.rego' },
    });
    const result = run.results![1]!;
    expect([result.ruleId, result.ruleIndex]).toEqual(['FREEZE', 1]);
    expect(result.message.text).toBe('apply@production is denied by rule FREEZE: a rule denies this: message of FREEZE; no grant can lift it. Next: next for FREEZE');
    expect(result.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'rules/freeze.rego' } });
    expect(result.properties).toMatchObject({ kind: 'rule', missing_roles: [], reasons: ['rule'] });
    expect((run.properties!.plan as { instructions: string[] }).instructions.at(-1)).toBe('FREEZE: a rule denies this: message of FREEZE; no grant can lift it');
  });

  it('a rule without METADATA (or a bundle whose seal does not list it) is named by its id and described by its message', () => {
    const run = parse(sarifRenderer.check({ decision: decision('apply', 'production', [ruleDenial('SOD', { next_action: null, source: 'rules/sod.rego' })]) }, RULE_CTX)).runs[0]!;
    expect(run.tool.driver.rules![0]).toEqual({
      id: 'SOD', name: 'SOD', shortDescription: { text: 'message of SOD' }, defaultConfiguration: { level: 'error' },
      properties: { kind: 'rule', source: 'rules/sod.rego' },
    });
    const bare = parse(sarifRenderer.check({ decision: decision('apply', 'production', [ruleDenial('DYN')]) }, CTX)).runs[0]!;
    expect(bare.tool.driver.rules![0]!.shortDescription).toEqual({ text: 'message of DYN' });
  });

  it('matrix: one rule per rule id, shared by the cells it denies; rows alone still name the rule from the seal', () => {
    const { rows, detail } = sampleRuleMatrix();
    const run = parse(sarifRenderer.matrix({ rows, ...detail }, RULE_CTX)).runs[0]!;
    expect(run.tool.driver.rules!.map((r) => r.id)).toEqual(['B-1', 'FREEZE']);
    expect(run.results!.filter((r) => r.ruleId === 'FREEZE').map((r) => [r.ruleIndex, r.properties!.environment])).toEqual([[1, 'production'], [1, 'staging']]);
    const bare = parse(sarifRenderer.matrix({ rows }, RULE_CTX)).runs[0]!;
    expect(bare.tool.driver.rules![1]).toMatchObject({ id: 'FREEZE', name: 'Change freeze', fullDescription: { text: 'No production apply inside a freeze window.' } });
    expect(bare.results!.find((r) => r.ruleId === 'FREEZE')!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('rules/freeze.rego');
  });

  it('an error is a run with no results, a failed invocation and a notification per problem (SPEC 3)', () => {
    const log = JSON.parse(sarifRenderer.error([LEDGER_CHAIN, MAP_PARSE])) as Log;
    const run = log.runs[0]!;
    expect(sarifRenderer.errorsTo).toBe('stdout');
    expect(run.results).toEqual([]);
    expect(run.invocations![0]!.executionSuccessful).toBe(false);
    expect(run.invocations![0]!.toolExecutionNotifications!.map((n) => [n.level, n.descriptor?.id, n.message.text])).toEqual([
      ['error', 'ledger-chain', LEDGER_CHAIN.message], ['error', 'map-parse', MAP_PARSE.message],
    ]);
    expect(run.invocations![0]!.toolExecutionNotifications![1]!.locations![0]!.physicalLocation!).toEqual({
      artifactLocation: { uri: 'maps/a%20b.json' }, region: { startLine: 3 },
    });
  });

  it('paths become URI references: relative ones stay relative, absolute ones become file URLs', () => {
    expect(artifactUri('maps/prod readiness#1.json')).toBe('maps/prod%20readiness%231.json');
    expect(artifactUri('a:b.json')).toBe('a%3Ab.json');
    expect(artifactUri('/srv/maps/x y.json')).toBe('file:///srv/maps/x%20y.json');
  });

  const cases: [string, () => string][] = [
    ['check', () => sarifRenderer.check({ decision: decision('apply', 'production', [denial('B-1'), denial('B-<2>', { source: '/abs/m a p.json', item: null, next_action: null })]), plan: PLAN }, CTX)],
    ['check, allowed', () => sarifRenderer.check({ decision: decision('apply', 'staging', []) }, CTX)],
    ['matrix', () => { const { rows, detail } = sampleMatrix(); return sarifRenderer.matrix({ rows, ...detail }, CTX); }],
    ['matrix without detail', () => sarifRenderer.matrix({ rows: sampleMatrix().rows }, CTX)],
    ['what-if', () => sarifRenderer.whatIf({ ...sampleWhatIf(), blockers: sampleMatrix().detail.blockers! }, CTX)],
    ['check with a rule denial', () => sarifRenderer.check(ruleSample(), RULE_CTX)],
    ['check with a rule denial, no seal rules', () => sarifRenderer.check(ruleSample(), CTX)],
    ['matrix with rule denials', () => { const { rows, detail } = sampleRuleMatrix(); return sarifRenderer.matrix({ rows, ...detail }, RULE_CTX); }],
    ['matrix rows only, with seal rules', () => sarifRenderer.matrix({ rows: sampleRuleMatrix().rows }, RULE_CTX)],
    ['what-if with rule denials', () => { const { rows, detail } = sampleRuleMatrix(); return sarifRenderer.whatIf({ before: rows, after: rows, changes: [], ...detail }, RULE_CTX); }],
    ['an input error', () => sarifRenderer.error([LEDGER_CHAIN, MAP_PARSE])],
    ['a usage error', () => sarifRenderer.error([USAGE])],
  ];
  const haveSchema = existsSync(SCHEMA);
  if (!haveSchema) console.warn(`sarif: ${SCHEMA} is missing; the schema tests are skipped (the package @microsoft/sarif-multitool-linux provides it)`);
  describe.runIf(haveSchema)('against the SARIF 2.1.0 JSON schema', () => {
    const validate = haveSchema ? schemaValidator() : undefined;
    for (const [name, make] of cases) {
      it(`${name} is valid SARIF 2.1.0`, () => {
        const ok = validate!(JSON.parse(make()));
        expect(validate!.errors ?? []).toEqual([]);
        expect(ok).toBe(true);
      });
    }
    it('the schema does refuse a broken log', () => {
      const log = JSON.parse(cases[0]![1]());
      log.runs[0].results[0].level = 'fatal';
      expect(validate!(log)).toBe(false);
    });
  });
});
