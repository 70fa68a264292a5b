// The bad-input corpus through the CLI: exit 3 (or 1 for usage) with a message naming the file
// (and line), never a stack trace, never "allowed"; legal oddities (CRLF in JSON, "__proto__"
// metadata, long strings) decide as the untouched inputs. Each case runs in-process, except those
// where memory is the point (over-size inputs, very long strings): bin/blockgate in its own
// process, its peak memory bounded.

import { lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseFifoLater } from '../fs-states/harness.js';
import { AT, REQUEST, buildCorpus, type Case } from './corpus.js';
import { runAll, runCli, runInProcess, snapshotPackage, stackTraceIn, type Run } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'blockgate-bad-input-'));
const { base, cases } = buildCorpus(dir);
const results = new Map<Case, Run>();
// A private copy of the built package for the measured runs: other work rebuilding dist/
// meanwhile cannot break a run.
const snapshot = snapshotPackage(join(dir, 'package'));
const bin = snapshot.bin;
const ledgerBefore = readFileSync(base.ledger, 'utf8');
let baseline: { check: Run; whatIf: Run; whatIfWithoutAdd: Run };

/** One run: a case, or a batch of cases whose files are all passed at once. */
interface Job { cases: Case[]; args: string[] }

/** In-process; a FIFO gets a writer after a while, so that a reader that wrongly blocks on it is released. */
async function inProcess(job: Job): Promise<Run> {
  const fifo = job.cases.map((c) => c.file).find((f) => f !== undefined && lstatSync(f, { throwIfNoEntry: false })?.isFIFO());
  const release = fifo === undefined ? undefined : releaseFifoLater(fifo);
  try {
    return await runInProcess(job.args);
  } finally {
    release?.();
  }
}

beforeAll(async () => {
  const inputs = ['--blockers', base.map, '--ledger', base.ledger, '--trust', base.trust];
  baseline = {
    check: await runInProcess(['check', ...inputs, ...REQUEST, '--format', 'json']),
    whatIf: await runInProcess(['what-if', ...inputs, '--add', base.add, '--at', AT, '--format', 'json']),
    whatIfWithoutAdd: await runInProcess(['what-if', ...inputs, '--at', AT, '--format', 'json']),
  };
  // One run per case, except batches: one run with every file of the batch.
  const batches = new Map<string, Case[]>();
  for (const c of cases.filter((x) => x.batch)) batches.set(c.batch!, [...(batches.get(c.batch!) ?? []), c]);
  const batchArgs = (list: Case[]) => {
    const first = list[0]!.args;
    const at = first.indexOf('--blockers');
    return [...first.slice(0, at), ...list.flatMap((c) => ['--blockers', c.file!]), ...first.slice(at + 2)];
  };
  const jobs: Job[] = [
    ...cases.filter((c) => !c.batch).map((c) => ({ cases: [c], args: c.args })),
    ...[...batches.values()].map((list) => ({ cases: list, args: batchArgs(list) })),
  ];
  const measured = (job: Job) => job.cases.some((c) => c.maxRssMb !== undefined);
  // The measured processes run beside the in-process runs, which go one at a time.
  const processJobs = jobs.filter(measured);
  const processRuns = runAll(processJobs.map((job) => () => runCli(job.args, { bin })));
  for (const job of jobs.filter((j) => !measured(j))) {
    const run = await inProcess(job);
    for (const c of job.cases) results.set(c, run);
  }
  (await processRuns).forEach((run, i) => { for (const c of processJobs[i]!.cases) results.set(c, run); });
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

describe('bad input through the CLI', () => {
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
    if (c.maxRssMb !== undefined && run.rssMb !== undefined) expect(run.rssMb, `peak memory, MB\n${where}`).toBeLessThan(c.maxRssMb);
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
