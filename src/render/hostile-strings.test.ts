// Hostile strings (line breaks, CR, `::`, `%`, terminal escapes, U+0000, lone surrogates, quotes,
// markup) as target, ids, items, messages and paths through every renderer, rule ids, messages,
// files and METADATA included: no injected line, workflow command, escape sequence or markup, in
// any format. Generated, bounded in time.
import fc from 'fast-check';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { AT, POLICY, blocker, denial, decision, ruleDenial } from '../../test/support/render-samples.js';
import type { Decision, MatrixRow, Plan, WhatIf } from '../gate/types.js';
import type { Problem } from '../errors.js';
import { renderReadinessHtml } from './html.js';
import { getRenderer, FORMATS } from './index.js';
import type { MatrixDetail, ReadinessReport, RenderContext, Report } from './renderer.js';

const RUNS = Number(process.env.RENDER_RUNS ?? 150);

const PIECES = [
  '\n', '\r', '\r\n', '\n::error title=fake::injected', '::warning::x', '%0A', '%25', '%', '\x1b[31m', '\x1b]0;title\x07', '\x1b[2J',
  '\u0000', '\u0007', '\u007f', '\u009b', '\ud800', '\udfff', '\u2028', '\u2029', '\u202e', '\u2066', '"', "'", '<', '>', '&', '&amp;',
  ']]>', '<script>alert(1)</script>', '</testsuite>', '<!--', ',', ':', '=', '\t', 'ALLOWED  apply in production', 'ü', '😀', '-->',
];
const hostile = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'binary', maxLength: 6 })), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.join('')).filter((text) => text !== '');

/** A world of results in which every user-controlled string is s(slot). */
function world(s: (slot: number) => string) {
  const d1 = denial(s(1), { item: s(2), next_action: s(3), actor_needed: s(4), source: s(5), required_roles: [s(6)], missing_roles: [s(6)], blocks: [s(7)] });
  const d2 = denial(s(8), { mode: 'any', source: s(5) });
  // A rule's denial: id, message, next action and file are the team's text; so are the seal's title and description.
  const d3 = ruleDenial(s(21), { item: s(22), next_action: s(23), source: s(24) });
  const ctx: RenderContext = {
    ...CTX, rules: { [s(21)]: { file: s(24), title: s(25), description: s(26) }, [s(27)]: { file: s(28), title: s(25), description: s(26) } },
  };
  const warnings = [{ code: 'revoke-without-effect', message: s(9) }];
  const ignored = [{ grant_id: s(10), blocker_ids: [s(1)], reason: 'expired' }];
  const denied: Decision = {
    ...decision(s(11), s(12), [d1, d2, d3], [s(13)], { warnings, ignored_grants: ignored as Decision['ignored_grants'] }),
    request: { action: s(11), environment: s(12), target: s(14), at: AT },
  };
  const allowed: Decision = { ...decision(s(11), s(15), [], [s(13)], { warnings }), request: { action: s(11), environment: s(15), target: s(14), at: AT } };
  const plan: Plan = {
    allowed: false,
    grants_needed: [{ role: s(6), action: s(11), environment: s(12), target: s(14), resolves: [s(1), s(8)], evidence_required: true }],
    unresolvable: [{ blocker_id: s(16), reason: 'no-role' }, { blocker_id: s(21), reason: 'rule' }],
  };
  const rows: MatrixRow[] = [denied, allowed].map((d) => ({
    action: d.request.action, environment: d.request.environment, allowed: d.allowed, denials: d.denials.map((x) => x.blocker_id),
  }));
  const blockers = [s(1), s(8), s(13)].map((id) => blocker(id, { item: s(2), next_action: s(3), source: s(5), line: 3 }));
  const detail: MatrixDetail = { blockers, decisions: [denied, allowed], policy: POLICY };
  const whatIf: WhatIf = { before: rows, after: rows.map((r) => ({ ...r, allowed: !r.allowed })), changes: [{ action: s(11), environment: s(12), before: false, after: true }] } as WhatIf;
  const report: Report = { subject: 'validate', valid: false, findings: [{ severity: 'error', code: 'map-schema', message: s(17) }], facts: { ledger: s(18) } };
  const problems: Problem[] = [{ code: 'unknown-action', message: s(19) }, { code: 'map-parse', message: s(20), file: s(5), line: 2 }];
  const readiness: ReadinessReport = {
    at: AT, policy: POLICY, maps: [s(5)], ledger: { file: s(18), entries: 1, verified: true }, rows, decisions: [denied, allowed],
    plans: [plan, null], blockers: blockers.map((b) => ({ ...b, after: [s(16)] })),
  };
  return { denied, allowed, plan, rows, detail, whatIf, report, problems, readiness, ctx, data: { appended: s(10), ledger: s(18), seq: 3 } };
}

type World = ReturnType<typeof world>;
// Wide enough that nothing wraps: then a hostile string can change no line count.
const CTX = { color: false, width: 1_000_000 };

/** Every output of one format for one world, by name. */
function outputs(format: string, w: World): Record<string, string> {
  const r = getRenderer(format);
  const ctx = w.ctx;
  const out: Record<string, string> = {
    'check denied': r.check!({ decision: w.denied, plan: w.plan }, ctx),
    'check allowed': r.check!({ decision: w.allowed }, ctx),
    error: r.error!(w.problems, ctx),
  };
  if (r.plan) out.plan = r.plan(w.plan, ctx);
  if (r.matrix) {
    out.matrix = r.matrix({ rows: w.rows, ...w.detail }, ctx);
    // Rows alone: the rule ids are known from the seal's rules only.
    out['matrix rows'] = r.matrix({ rows: w.rows }, ctx);
  }
  if (r.whatIf) out['what-if'] = r.whatIf({ ...w.whatIf, ...w.detail }, ctx);
  if (r.report) out.report = r.report(w.report, ctx);
  if (r.data) out.data = r.data(w.data, ctx);
  return out;
}

const plain = world((slot) => `s${slot}`);
// Our own escapes for colour are the only escape sequences text may carry; none are used here (no colour).
const INVISIBLE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const lineStarts = (text: string, what: RegExp) => text.split('\n').filter((l) => what.test(l)).length;
/** The element structure of an XML or HTML document: its tags in order, without attributes or text. */
const tags = (doc: string) => [...doc.matchAll(/<\/?[A-Za-z!?][^\s>/]*/g)].map((m) => m[0]);
const BAD_ENTITY = /&(?!(amp|lt|gt|quot|#39|#\d+);)/;
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Runs the property over worlds whose 28 string slots are hostile. */
function forHostileWorlds(check: (w: World) => void): void {
  fc.assert(fc.property(fc.array(hostile, { minLength: 29, maxLength: 29 }), (strings) => {
    // Distinct per slot, as ids are: equal ids would merge rows and change the shape for a good reason.
    check(world((slot) => `${strings[slot]!}~${slot}`));
  }), { numRuns: RUNS });
}

describe('hostile strings in every format', () => {
  it('text: no control character reaches the terminal; one verdict line per check', () => {
    const shape = outputs('text', plain);
    forHostileWorlds((w) => {
      const out = outputs('text', w);
      for (const [name, text] of Object.entries(out)) {
        expect([name, INVISIBLE.exec(text)?.[0]]).toEqual([name, undefined]);
        expect([name, text.split('\n').length]).toEqual([name, shape[name]!.split('\n').length]);
        expect([name, text.split('\n')[0]!.slice(0, 8)]).toEqual([name, shape[name]!.split('\n')[0]!.slice(0, 8)]);
      }
    });
  });

  it('github: only our workflow commands, each on one line, with no raw : or , inside a property', () => {
    const shape = outputs('github', plain);
    // A matrix's annotations come in one group per action (::group::ACTION ... ::endgroup::).
    const COMMAND = /^::((error|warning|notice)( [a-z]+=[^,:\r\n]*(,[a-z]+=[^,:\r\n]*)*)?::[^\r\n]*|group::[^\r\n]*|endgroup::)$/;
    forHostileWorlds((w) => {
      const out = outputs('github', w);
      for (const [name, text] of Object.entries(out)) {
        const lines = text.replace(/\n$/, '').split('\n');
        expect([name, lines.length]).toEqual([name, shape[name]!.replace(/\n$/, '').split('\n').length]);
        for (const line of lines) {
          expect([name, line.includes('\r'), INVISIBLE.exec(line)?.[0]]).toEqual([name, false, undefined]);
          if (line.startsWith('::')) expect([name, COMMAND.test(line)]).toEqual([name, true]);
          else expect([name, line.startsWith('blockgate')]).toEqual([name, true]);
        }
        expect([name, lineStarts(text, /^::/)]).toEqual([name, lineStarts(shape[name]!, /^::/)]);
      }
    });
  });

  it('junit: the same elements as with plain strings, only XML characters, every & an entity', () => {
    const shape = outputs('junit', plain);
    forHostileWorlds((w) => {
      for (const [name, xml] of Object.entries(outputs('junit', w))) {
        // Test cases are sorted by name, so hostile names may reorder them: the same elements, in any order.
        expect([name, tags(xml).sort()]).toEqual([name, tags(shape[name]!).sort()]);
        expect([name, NOT_XML.exec(xml)?.[0], BAD_ENTITY.exec(xml)?.[0]]).toEqual([name, undefined, undefined]);
      }
    });
  });

  it('json and sarif: one JSON value that gives back the hostile strings as they were', () => {
    forHostileWorlds((w) => {
      for (const format of ['json', 'sarif']) {
        for (const [name, text] of Object.entries(outputs(format, w))) {
          const parsed = JSON.parse(text) as unknown;
          expect([format, name, typeof parsed, text.trimEnd().split('\n').every((l) => !l.includes('\r'))]).toEqual([format, name, 'object', true]);
        }
      }
      const decided = JSON.parse(getRenderer('json').check!({ decision: w.denied }, CTX)) as Decision;
      expect(decided.request.target).toBe(w.denied.request.target);
      expect(decided.denials[0]!.item).toBe(w.denied.denials[0]!.item);
      expect(decided.denials[2]).toEqual(w.denied.denials[2]);
      const driver = (JSON.parse(getRenderer('sarif').check!({ decision: w.denied }, w.ctx)) as Log).runs[0]!.tool.driver;
      const rule = driver.rules!.find((r) => r.id === w.denied.denials[2]!.blocker_id)!;
      expect([rule.name, rule.fullDescription?.text]).toEqual([w.ctx.rules![rule.id]!.title, w.ctx.rules![rule.id]!.description]);
    });
  });

  it('html: the same elements as with plain strings, every & an entity, no raw quote in an attribute', () => {
    const shape = tags(renderReadinessHtml(plain.readiness, plain.ctx));
    forHostileWorlds((w) => {
      const html = renderReadinessHtml(w.readiness, w.ctx);
      expect(tags(html)).toEqual(shape);
      expect(BAD_ENTITY.exec(html.replace(/<style>[\s\S]*<\/style>/, ''))?.[0]).toBeUndefined();
    });
  });

  it('covers every format there is', () => {
    expect([...FORMATS].sort()).toEqual(['github', 'json', 'junit', 'sarif', 'text']);
  });
});
