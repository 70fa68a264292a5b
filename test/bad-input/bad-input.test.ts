// The bad-input corpus through bin/blockgate, one process per case: exit 3 (or 1 for usage)
// with a message naming the file (and line), never a stack trace, never "allowed", memory bounded;
// legal oddities (CRLF in JSON, "__proto__" metadata, long strings) decide as the untouched inputs.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AT, REQUEST, buildCorpus, type Case } from './corpus.js';
import { runAll, runCli, snapshotPackage, stackTraceIn, type Run } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'blockgate-bad-input-'));
const { base, cases } = buildCorpus(dir);
const results = new Map<Case, Run>();
// A private copy of the built package: other work rebuilding dist/ meanwhile cannot break a run.
const snapshot = snapshotPackage(join(dir, 'package'));
const bin = snapshot.bin;
const ledgerBefore = readFileSync(base.ledger, 'utf8');
let baseline: { check: Run; whatIf: Run; whatIfWithoutAdd: Run };

beforeAll(async () => {
  const inputs = ['--blockers', base.map, '--ledger', base.ledger, '--trust', base.trust];
  const [check, whatIf, whatIfWithoutAdd] = await runAll([
    () => runCli(['check', ...inputs, ...REQUEST, '--format', 'json'], { bin }),
    () => runCli(['what-if', ...inputs, '--add', base.add, '--at', AT, '--format', 'json'], { bin }),
    () => runCli(['what-if', ...inputs, '--at', AT, '--format', 'json'], { bin }),
  ]);
  baseline = { check: check!, whatIf: whatIf!, whatIfWithoutAdd: whatIfWithoutAdd! };
  // One process per case, except batches: one process with every file of the batch.
  const single = cases.filter((c) => !c.batch);
  const batches = new Map<string, Case[]>();
  for (const c of cases.filter((x) => x.batch)) batches.set(c.batch!, [...(batches.get(c.batch!) ?? []), c]);
  const batchArgs = (list: Case[]) => {
    const first = list[0]!.args;
    const at = first.indexOf('--blockers');
    return [...first.slice(0, at), ...list.flatMap((c) => ['--blockers', c.file!]), ...first.slice(at + 2)];
  };
  const jobs = [...single.map((c) => () => runCli(c.args, { bin })), ...[...batches.values()].map((list) => () => runCli(batchArgs(list), { bin }))];
  const runs = await runAll(jobs);
  single.forEach((c, i) => results.set(c, runs[i]!));
  [...batches.values()].forEach((list, k) => { for (const c of list) results.set(c, runs[single.length + k]!); });
}, 900_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The decision without what differs by file path or clock: the request echo and blocker sources. */
function decisionOf(run: Run): unknown {
  const j = JSON.parse(run.stdout) as Record<string, unknown>;
  if ('before' in j) return { before: j.before, after: j.after, changes: j.changes };
  const denials = (j.denials as Record<string, unknown>[]).map(({ source: _source, ...rest }) => rest);
  return { allowed: j.allowed, denials, satisfied: j.satisfied, ignored_grants: j.ignored_grants, warnings: j.warnings };
}

/** The error messages a run printed, and their codes. */
function problemsOf(c: Case, run: Run): { codes: string[]; messages: string[] } {
  if (c.format === 'text') return { codes: [...run.stderr.matchAll(/error ([a-z-]+):/g)].map((m) => m[1]!), messages: [run.stderr.replace(/\s*\n\s*/g, ' ')] };
  const j = JSON.parse(run.stdout) as { error?: { code: string; message: string; problems?: { code: string; message: string }[] }; problems?: { code: string; message: string; severity?: string }[] };
  if (j.error) {
    const all = j.error.problems ?? [j.error];
    return { codes: all.map((p) => p.code), messages: all.map((p) => p.message) };
  }
  // validate / ledger verify: a report listing problems.
  const found = (j.problems ?? []).filter((p) => p.severity !== 'warning');
  return { codes: found.map((p) => p.code), messages: found.map((p) => p.message) };
}

describe('bad input through bin/blockgate', () => {
  it('the untouched inputs decide as expected (allowed, so a skipped bad input would show)', () => {
    expect(baseline.check.code).toBe(0);
    expect(baseline.whatIf.code).toBe(0);
  });

  // A case with `bug` set is a reported bug in src/ (see the BUG comment in corpus.ts).
  for (const c of cases) (c.bug ? it.fails : it)(c.bug ? `${c.name} (BUG: ${c.bug})` : c.name, () => {
    const run = results.get(c)!;
    const all = `${run.stdout}\n${run.stderr}`;
    const where = `${c.args.map((a) => (a.length > 80 ? `${a.slice(0, 40)}…` : a)).join(' ')}\nexit ${run.code} ${run.signal ?? ''}\nstdout: ${run.stdout.slice(0, 1200)}\nstderr: ${run.stderr.slice(0, 1200)}`;
    expect(run.signal, where).toBeNull();
    expect(stackTraceIn(all), where).toBeUndefined();
    expect(/"allowed":\s*true/.test(run.stdout) && c.expect !== 'harmless', where).toBe(false);
    if (run.rssMb !== undefined) expect(run.rssMb, `peak memory, MB\n${where}`).toBeLessThan(c.maxRssMb);
    if (c.format === 'json') {
      // Exactly one JSON object on stdout, errors included.
      expect(() => JSON.parse(run.stdout), where).not.toThrow();
      expect(typeof JSON.parse(run.stdout), where).toBe('object');
    }
    switch (c.expect) {
      case 'input':
      case 'usage':
      case 'error': {
        if (c.expect === 'error') expect([1, 3], where).toContain(run.code);
        else expect(run.code, where).toBe(c.expect === 'input' ? 3 : 1);
        const { codes, messages } = problemsOf(c, run);
        expect(messages.length, where).toBeGreaterThan(0);
        if (c.codes) expect(codes.some((code) => c.codes!.includes(code)), `codes ${codes} not among ${c.codes}\n${where}`).toBe(true);
        if (c.file) {
          const naming = messages.filter((m) => m.includes(c.file!) || (c.unchanged !== undefined && m.includes(c.unchanged)));
          expect(naming.length, `no message names ${c.file}\n${where}`).toBeGreaterThan(0);
          if (c.line) expect(naming.some((m) => /\bline \d+/.test(m)), `no line named\n${where}`).toBe(true);
        }
        break;
      }
      case 'denied':
        expect(run.code, where).toBe(2);
        break;
      case 'harmless': {
        const reference = c.reference === 'what-if-without-add' ? baseline.whatIfWithoutAdd : c.kind === 'add' ? baseline.whatIf : baseline.check;
        expect(run.code, where).toBe(reference.code);
        if (c.format === 'json') expect(decisionOf(run), where).toEqual(decisionOf(reference));
        break;
      }
    }
    if (c.unchanged) expect(readFileSync(c.unchanged, 'utf8'), 'the ledger was changed').toBe(ledgerBefore);
  });
});
