import { describe, expect, it } from 'vitest';
import { AT, CTX, PLAN, RULE_CTX, decision, denial, ruleSample, sampleMatrix, sampleRuleMatrix, sampleWhatIf } from '../../test/support/render-samples.js';
import { junitRenderer, xmlAttr, xmlText } from './junit.js';

/**
 * A small well-formedness check (no XML parser is a dependency): tags balance, attributes are
 * quoted, and text holds no raw `<` or stray `&`.
 */
function assertWellFormed(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const body = xml.slice(xml.indexOf('\n') + 1);
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < body.length && (m = token.exec(body)) !== null) {
    at = token.lastIndex;
    const [, close, name, , self, text] = m;
    if (text !== undefined) {
      expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|#\d+);)/);
      continue;
    }
    if (close) expect(stack.pop()).toBe(name);
    else if (!self) stack.push(name!);
  }
  expect(at).toBe(body.length);
  expect(stack).toEqual([]);
}

const count = (xml: string, what: RegExp) => (xml.match(what) ?? []).length;

describe('junit renderer', () => {
  it('check: one suite, one test case per applicable blocker; denials fail with what is missing', () => {
    const d = decision('apply', 'production', [denial('B-1'), denial('B-2', { reasons: ['evidence-missing', 'prerequisite-unsatisfied'] })], ['B-3']);
    const xml = junitRenderer.check({ decision: d }, CTX);
    assertWellFormed(xml);
    expect(count(xml, /<testsuite /g)).toBe(1);
    expect(count(xml, /<testcase /g)).toBe(3);
    expect(xml).toContain('<testsuites name="blockgate" tests="3" failures="2" errors="0" skipped="0">');
    expect(xml).toContain('<testsuite name="apply@production" tests="3" failures="2"');
    expect(xml).toContain('<testcase name="B-1" classname="blockgate.apply.production" file="maps/readiness.json">');
    expect(xml).toContain('message="apply@production denied: missing operator (needs all of: operator, owner); missing-grant"');
    expect(xml).toContain('type="evidence-missing,prerequisite-unsatisfied"');
    expect(xml).toContain('next action: next for B-1');
    expect(xml).toContain('<system-out>satisfied by G-B-3</system-out>');
    expect(xml).toContain(`<property name="at" value="${AT}"/>`);
  });

  it('an allowed request with no applicable blocker is an empty, passing suite', () => {
    const xml = junitRenderer.check({ decision: decision('apply', 'staging', []) }, CTX);
    assertWellFormed(xml);
    expect(xml).toContain('tests="0" failures="0"');
    expect(xml).toContain('<property name="allowed" value="true"/>');
  });

  it('check --explain-plan: the plan is in the suite output', () => {
    const xml = junitRenderer.check({ decision: decision('apply', 'production', [denial('B-1')]), plan: PLAN }, CTX);
    expect(xml).toContain('operator: grant apply@production resolving B-1, B-2, with evidence');
  });

  it('check: a test case per rule of the bundle; the denying one fails with type rule, on its file, and says no grant lifts it', () => {
    const xml = junitRenderer.check(ruleSample(), RULE_CTX);
    assertWellFormed(xml);
    // B-1 fails, B-3 passes, FREEZE fails, SOD (a rule that does not deny) passes.
    expect(xml).toContain('<testsuite name="apply@production" tests="4" failures="2"');
    expect(xml).toContain('<testcase name="FREEZE" classname="blockgate.apply.production" file="rules/freeze.rego">');
    expect(xml).toContain('<failure type="rule" message="apply@production denied by rule FREEZE: a rule denies this: message of FREEZE; no grant can lift it">'
      + 'rule: FREEZE\nmessage: message of FREEZE\ndescription: No production apply inside a freeze window.\nreasons: rule (a rule denies this; no grant can lift it)\nnext action: next for FREEZE\nsource: rules/freeze.rego</failure>');
    expect(xml).toContain('<testcase name="SOD" classname="blockgate.apply.production" file="rules/sod.rego">\n      <system-out>rule SOD does not deny this request</system-out>');
    expect(xml).toContain('FREEZE: a rule denies this: message of FREEZE; no grant can lift it');
    expect(xml.slice(xml.indexOf('<testcase name="FREEZE"'), xml.indexOf('<testcase name="SOD"'))).not.toMatch(/null|needs|missing/);
  });

  it('matrix: every suite has a test case per rule; rows alone still fail a rule id as a rule', () => {
    const { rows, detail } = sampleRuleMatrix();
    const xml = junitRenderer.matrix({ rows, ...detail }, RULE_CTX);
    assertWellFormed(xml);
    expect(xml).toContain('<testsuite name="apply@staging" tests="3" failures="0"');
    expect(xml).toContain('<testsuite name="cutover@staging" tests="2" failures="1"');
    const bare = junitRenderer.matrix({ rows }, RULE_CTX);
    assertWellFormed(bare);
    expect(bare).toContain('<failure type="rule" message="cutover@staging denied by rule FREEZE: a rule denies this: Change freeze; no grant can lift it">'
      + 'rule: FREEZE\ntitle: Change freeze\ndescription: No production apply inside a freeze window.\nreasons: rule (a rule denies this; no grant can lift it)\nsource: rules/freeze.rego</failure>');
  });

  it('escapes markup, quotes and line ends, and replaces characters XML cannot carry', () => {
    expect(xmlText('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(xmlAttr('say "hi"\nthen\tgo')).toBe('say &quot;hi&quot;&#10;then&#9;go');
    expect(xmlText('bell\u0007 and lone \uD800 surrogate')).toBe('bell\uFFFD and lone \uFFFD surrogate');
    const nasty = denial('B-<1>&"', { item: '</failure><script>alert(1)</script>', next_action: 'a\u0000b', source: 'm&m.json' });
    const xml = junitRenderer.check({ decision: decision('apply', 'production', [nasty]) }, CTX);
    assertWellFormed(xml);
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('name="B-&lt;1&gt;&amp;&quot;"');
  });

  it('matrix: one suite per action × environment, satisfied blockers passing', () => {
    const { rows, detail } = sampleMatrix();
    const xml = junitRenderer.matrix({ rows, ...detail }, CTX);
    assertWellFormed(xml);
    expect(count(xml, /<testsuite /g)).toBe(4);
    expect(xml).toContain('<testsuite name="apply@production" tests="3" failures="2"');
    expect(xml).toContain('<testsuite name="apply@staging" tests="1" failures="0"');
    expect(xml).toContain('<testsuite name="cutover@staging" tests="0" failures="0"');
    expect(xml).toContain('<testsuites name="blockgate" tests="5" failures="3"');
  });

  it('matrix without detail: the denials alone, by id', () => {
    const { rows } = sampleMatrix();
    const xml = junitRenderer.matrix({ rows }, CTX);
    assertWellFormed(xml);
    expect(count(xml, /<failure /g)).toBe(3);
    expect(xml).toContain('message="apply@production denied by B-1"');
  });

  it('what-if: a suite per after cell; what the changes closed passes, what is left fails', () => {
    const { detail } = sampleMatrix();
    const xml = junitRenderer.whatIf({ ...sampleWhatIf(), blockers: detail.blockers! }, CTX);
    assertWellFormed(xml);
    expect(count(xml, /<testsuite /g)).toBe(4);
    expect(xml).toMatch(/<testsuite name="cutover@production" tests="1" failures="0"[^]*?<property name="allowed.before" value="false"\/>[^]*?<property name="allowed" value="true"\/>/);
    expect(xml).toContain('<system-out>resolved by the what-if changes</system-out>');
    expect(xml).toContain('message="apply@production denied after the what-if changes: needs all of: operator, owner"');
  });
});

describe('junit errors (SPEC 3: one valid document on stdout, errors included)', () => {
  const problems = [
    { code: 'ledger-chain' as const, message: 'grants.jsonl line 4: prev does not match <"&">' },
    { code: 'map-parse' as const, message: 'maps/a.json line 3: not JSON', file: 'maps/a.json', line: 3 },
  ];

  it('each problem is a failed test case named by its code, with the message', () => {
    const xml = junitRenderer.error(problems);
    expect(junitRenderer.errorsTo).toBe('stdout');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="blockgate" tests="2" failures="2" errors="0" skipped="0">')).toBe(true);
    expect(xml).toContain('<testcase name="ledger-chain" classname="blockgate.error">');
    expect(xml).toContain('<failure type="ledger-chain" message="grants.jsonl line 4: prev does not match &lt;&quot;&amp;&quot;&gt;">');
    expect(xml).toContain('<testcase name="map-parse" classname="blockgate.error" file="maps/a.json">');
    expect(xml).toContain('file: maps/a.json line 3</failure>');
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });
});
