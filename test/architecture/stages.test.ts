// The house reads in one direction (STYLE.md, issue 10): files → parse → validate → verify →
// policy input → decision → render → exit code. A module may import from its own stage or an
// earlier one, never from a later one: no arrow back, type imports included.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Each stage and the folders or root modules of src/ it holds; earlier stages come first. */
const STAGES: ReadonlyArray<readonly [stage: string, paths: readonly string[]]> = [
  ['errors: the codes every stage throws, and how messages quote', ['errors.ts', 'findings.ts', 'quote.ts']],
  ['files and parsing', ['load']],
  ['validation and normalisation', ['schema']],
  ['the inputs, read and validated', ['inputs', 'config']],
  ['file writes and locks', ['fs']],
  ['ledger verification, and the stores it is kept in (a file, PostgreSQL)', ['ledger', 'postgres']],
  ['policy input and the engine', ['engine', 'rules']],
  ['the decision', ['gate']],
  ['the decision log', ['decision-log']],
  ['the library compositions over decisions and their log', ['check.ts', 'validate.ts', 'live-gate.ts']],
  ['rendering', ['render']],
  ['the edges', ['cli', 'server', 'exec']],
  ['the public API', ['index.ts']],
];

/** The stage of a module: the one whose folder or root file holds it. */
function stageOf(file: string): number {
  const rel = relative(SRC, file);
  const top = rel.split('/')[0]!;
  const index = STAGES.findIndex(([, paths]) => paths.includes(top));
  if (index < 0) throw new Error(`src/${rel} is in no stage: add its folder to STAGES`);
  return index;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every relative import of a module, static, dynamic and type-only alike. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

describe('the flow of src/ has no arrow back', () => {
  const files = sources(SRC);

  it('finds the modules it judges', () => {
    expect(files.length).toBeGreaterThan(40);
  });

  it('every module imports only from its own stage or an earlier one', () => {
    const back = files.flatMap((file) => importsOf(file)
      .filter((target) => stageOf(target) > stageOf(file))
      .map((target) => `src/${relative(SRC, file)} (${STAGES[stageOf(file)]![0]}) imports src/${relative(SRC, target)} (${STAGES[stageOf(target)]![0]})`));
    expect(back).toEqual([]);
  });
});
