// The validators the CLI bundle precompiles (tools/build/validators.mjs) judge every document as
// the validators compiled at run time do: the same verdict and the same errors, over the real
// inputs and over generated changes to them. And the bundle really uses them: the modules a
// `check` loads at start-up carry no ajv compiler, and a `check` never requires ajv's compiler.
// The help layout the bundle evaluates on demand (bundle-cli.mjs) lays out help as before.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv, type AnySchema, type ErrorObject } from 'ajv';
import { compiledSchemas, schemaKey, type PrecompiledValidate } from '../../src/schema/ajv.js';
import { AJV_OPTIONS, FORMATS } from '../../src/schema/formats.js';
import { FIX7, ROOT, SEED } from '../support/cli.js';
// @ts-expect-error a build script in plain JavaScript, without declarations
import { precompiledModule, SCHEMA_MODULES } from '../../tools/build/validators.mjs';

const out = join(ROOT, '.out', `test-validators-${process.pid}`);
let schemas: readonly AnySchema[];
let precompiled: ReadonlyMap<string, PrecompiledValidate>;

beforeAll(async () => {
  for (const module of SCHEMA_MODULES as string[]) await import(/* @vite-ignore */ pathToFileURL(`${ROOT}src/${module}.ts`).href);
  schemas = compiledSchemas();
  mkdirSync(out, { recursive: true });
  const file = join(out, 'precompiled.mjs');
  writeFileSync(file, (precompiledModule as (o: object) => string)({
    schemas, key: schemaKey, formats: FORMATS, options: AJV_OPTIONS, formatsFrom: pathToFileURL(`${ROOT}src/schema/formats.ts`).href,
  }));
  ({ PRECOMPILED: precompiled } = await import(pathToFileURL(file).href) as { PRECOMPILED: ReadonlyMap<string, PrecompiledValidate> });
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const runtime = new Ajv(AJV_OPTIONS);
for (const [name, format] of Object.entries(FORMATS)) runtime.addFormat(name, format);

/** Real documents of each kind: the seed map, the rules demo map, the FIX7 ledger lines, the trust file, the config, a log record. */
function corpus(): unknown[] {
  const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const lines = readFileSync(`${FIX7}/grants.jsonl`, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
  const record = {
    seq: 1, decision_id: 'd-1', timestamp: '2026-11-25T12:00:00Z',
    request: { action: 'apply', environment: 'production', target: null, at: '2026-11-25T12:00:00Z' },
    allowed: false, denials: ['B-1'], command: ['deploy'], error: { code: 'map-schema', message: 'x' },
    policy: { revision: 'r', sha256: 'a'.repeat(64) }, ledger_head: { seq: 3, hash: 'b'.repeat(64) }, prev: '0'.repeat(64),
  };
  return [json(SEED), json(`${ROOT}examples/rules/bundle/demo/blockers.json`), json(`${ROOT}fixtures/trust.test-only.json`), json(`${FIX7}/blockgate.json`), record, ...lines];
}

type Step = { path: number[]; op: 'set' | 'delete' | 'add'; value: unknown; name: string };
const SPECIAL = fc.constantFrom('', 'x', '2026-11-25T12:00:00Z', '2026-02-30T00:00:00Z', '2026-11-25 12:00', 'a\u0007b', 'a\nb', 'B-1', -1, 0, 1.5, 2 ** 53, null, true, [], {});
const step: fc.Arbitrary<Step> = fc.record({
  path: fc.array(fc.nat(), { maxLength: 5 }),
  op: fc.constantFrom('set', 'delete', 'add'),
  value: fc.oneof(SPECIAL, fc.jsonValue({ maxDepth: 2 })),
  name: fc.oneof(fc.constantFrom('id', 'seq', 'sig', 'extra', 'blockers', 'keys', 'type', 'at'), fc.string({ maxLength: 4 })),
});

/** A copy of `doc` with each step applied at the node its path reaches (index i picks the i-th child, modulo). */
function mutate(doc: unknown, steps: Step[]): unknown {
  const copy = structuredClone(doc);
  for (const s of steps) {
    let parent: Record<string, unknown> | unknown[] | undefined;
    let key: string | number | undefined;
    let node: unknown = copy;
    for (const i of s.path) {
      if (node === null || typeof node !== 'object') break;
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      parent = node as Record<string, unknown>;
      key = Array.isArray(node) ? i % node.length : keys[i % keys.length]!;
      node = (parent as Record<string, unknown>)[key];
    }
    if (s.op === 'add' && node !== null && typeof node === 'object' && !Array.isArray(node)) (node as Record<string, unknown>)[s.name] = s.value;
    else if (parent !== undefined && key !== undefined) {
      if (s.op === 'delete' && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
      else (parent as Record<string | number, unknown>)[key] = s.value;
    }
  }
  return copy;
}

function verdict(validate: PrecompiledValidate, doc: unknown): { valid: boolean; errors: ErrorObject[] } {
  const valid = validate(doc);
  return { valid, errors: structuredClone(validate.errors ?? []) };
}

describe('precompiled validators', () => {
  it('cover every schema a module gives compileValidator, each under its own key', () => {
    // Every call site in src/ is in one of SCHEMA_MODULES, so the build sees every schema.
    const callSites = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((n, e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return n + callSites(path);
      if (!e.name.endsWith('.ts') || e.name.endsWith('.test.ts') || e.name === 'ajv.ts') return n;
      return n + (readFileSync(path, 'utf8').match(/\bcompileValidator\(/g) ?? []).length;
    }, 0);
    expect(schemas.length).toBe(callSites(`${ROOT}src`));
    expect(new Set(schemas.map(schemaKey)).size).toBe(schemas.length);
    expect([...precompiled.keys()].sort()).toEqual(schemas.map(schemaKey).sort());
  });

  it('a changed schema has another key, so a stale build is compiled at run time instead', () => {
    const [first] = schemas;
    expect(schemaKey({ ...(first as object), additionalProperties: true })).not.toBe(schemaKey(first!));
  });

  it('judge the real inputs and generated changes to them exactly as the run-time compiled ones', () => {
    const docs = corpus();
    const pairs = schemas.map((schema) => ({ compiled: precompiled.get(schemaKey(schema))!, runtime: runtime.compile(schema) }));
    let invalid = 0;
    fc.assert(fc.property(fc.nat(docs.length - 1), fc.array(step, { maxLength: 4 }), (d, steps) => {
      const doc = mutate(docs[d], steps);
      for (const { compiled, runtime: reference } of pairs) {
        const got = verdict(compiled, doc);
        expect(got).toEqual(verdict(reference, doc));
        if (!got.valid) invalid++;
      }
    }), { numRuns: 1500 });
    // The generator reaches both verdicts.
    expect(invalid).toBeGreaterThan(1000);
    for (const doc of docs) expect(pairs.some(({ compiled }) => compiled(doc))).toBe(true);
  });
});

describe('the CLI bundle', () => {
  const bundled = `${ROOT}dist/bundled`;
  /** The bundle's entry and every chunk it imports statically: what a start-up evaluates. */
  function startupChunks(): string[] {
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const text = readFileSync(join(bundled, name), 'utf8');
      for (const m of text.matchAll(/^import\s[^;]*?from\s*"\.\/([^"]+)"|^import\s*"\.\/([^"]+)"/gm)) visit(m[1] ?? m[2]!);
    };
    visit('main.js');
    return [...seen];
  }

  it('evaluates no ajv compiler at start-up and carries the precompiled validators', () => {
    const chunks = startupChunks();
    expect(chunks.length).toBeGreaterThan(1);
    const text = chunks.map((c) => readFileSync(join(bundled, c), 'utf8')).join('\n');
    // ajv's core (its message for a duplicate schema id) is only in the lazily loaded server chunk, for fastify.
    expect(text).not.toContain('schema with key or id');
    for (const schema of schemas) expect(text).toContain(JSON.stringify(schemaKey(schema)));
  });

  it('a check of the seed requires neither ajv nor fast-glob', () => {
    const r = spawnSync(process.execPath, [`${ROOT}bin/blockgate`, 'check', '--blockers', SEED, '--action', 'apply', '--env', 'production', '--at', '2026-11-25T12:00:00Z'], {
      encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'module' },
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('DENIED');
    const loads = r.stderr.split('\n').filter((l) => l.includes('MODULE') && l.includes('load'));
    expect(loads.length).toBeGreaterThan(0);
    expect(loads.filter((l) => /node_modules\/(ajv\/dist\/ajv|fast-glob)/.test(l))).toEqual([]);
  });

  it('lays out every help text as the unbundled CLI does, the emoji pattern built on demand', () => {
    const text = startupChunks().map((c) => readFileSync(join(bundled, c), 'utf8')).join('\n');
    expect(text).not.toMatch(/return \/\[#\*0-9\]/);
    const modules = `${ROOT}dist/cli/main.js`;
    const entry = (main: string) => `import { run } from ${JSON.stringify(pathToFileURL(main).href)}; process.exitCode = await run(process.argv.slice(2));`;
    for (const args of [['--help'], ['check', '--help'], ['ledger', '--help'], ['ledger', 'append', '--help'], ['serve', '--help'], ['chek']]) {
      const [a, b] = [`${bundled}/main.js`, modules].map((main) => spawnSync(process.execPath, ['--input-type=module', '-e', entry(main), '--', ...args], { encoding: 'utf8' }));
      expect(a!.stdout.length + a!.stderr.length).toBeGreaterThan(20);
      expect({ status: a!.status, stdout: a!.stdout, stderr: a!.stderr }).toEqual({ status: b!.status, stdout: b!.stdout, stderr: b!.stderr });
    }
  });
});
