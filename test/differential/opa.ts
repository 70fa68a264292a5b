// Way (b): the same Rego, evaluated by native `opa eval` (OPA's Go interpreter), many worlds per
// process: one data file holds the worlds and the requests, batch.rego maps over them.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const OPA = join(ROOT, '.tools/bin/opa');
const BATCH_POLICY = fileURLToPath(new URL('./batch.rego', import.meta.url));

/** The policy sources under policies/, sub-packages included, tests excluded (as `make bundle` compiles them). */
export function policySources(): string[] {
  const dir = join(ROOT, 'policies');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego')).sort().map((f) => join(dir, f));
}

export interface OpaCase { world: number; input: unknown; plan: boolean }
export interface OpaAnswer { decision: unknown; plan?: unknown }

/** Evaluates every case with `opa eval`; answers in case order. `extra`: more sources (rules, their data.json). */
export async function opaEvaluate(worlds: unknown[], cases: OpaCase[], extra: string[] = []): Promise<OpaAnswer[]> {
  if (!existsSync(OPA)) throw new Error(`${OPA} is missing: run \`make opa\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-opa-'));
  try {
    const dataFile = join(dir, 'data.json');
    writeFileSync(dataFile, JSON.stringify({ worlds, cases }));
    const outFile = join(dir, 'out.json');
    const args = ['eval', '--format', 'json', ...[...policySources(), ...extra].flatMap((f) => ['-d', f]), '-d', BATCH_POLICY, '-d', dataFile, 'data.differential.results'];
    const fd = openSync(outFile, 'w');
    let stderr = '';
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(OPA, args, { stdio: ['ignore', fd, 'pipe'] });
      child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
      child.on('error', reject);
      child.on('close', (c) => resolve(c ?? -1));
    });
    closeSync(fd);
    if (code !== 0) throw new Error(`opa eval exited ${code}: ${stderr.slice(0, 2000)}`);
    const out = JSON.parse(readFileSync(outFile, 'utf8')) as { result?: { expressions: { value: { i: number; decision: unknown; plan?: unknown }[] }[] }[] };
    const values = out.result?.[0]?.expressions[0]?.value;
    if (!values) throw new Error('opa eval gave no result');
    const answers: OpaAnswer[] = new Array(cases.length);
    for (const v of values) answers[v.i] = v.plan === undefined ? { decision: v.decision } : { decision: v.decision, plan: v.plan };
    return answers;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
