// The four example rules built into one bundle (buildRules over examples/rules/, as
// `blockgate build --rules examples/rules` does), read back as every command reads a bundle, and
// the same sources listed for `opa eval`.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSealedBundle } from '../../src/engine/bundle.js';
import { buildRules } from '../../src/rules/build.js';
import { OPA } from './opa.js';
import { EXAMPLES, EXAMPLES_DIR, readRulesConfig } from './rules-world.js';
import type { RulesRun } from './run.js';

/** Each example's rules (tests excluded) and data.json. */
export function exampleSources(): string[] {
  return EXAMPLES.flatMap((name) => readdirSync(join(EXAMPLES_DIR, name)).sort()
    .filter((f) => f === 'data.json' || (f.endsWith('.rego') && !f.endsWith('_test.rego')))
    .map((f) => join(EXAMPLES_DIR, name, f)));
}

/** Builds the examples' bundle into a temporary directory; `remove` deletes it. */
export async function buildExampleRules(): Promise<RulesRun & { dir: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-rules-bundle-'));
  const built = await buildRules({ rules: EXAMPLES_DIR, out: dir, opa: OPA });
  const ruleFiles = Object.fromEntries(Object.entries(built.seal.rules).map(([id, info]) => [id, info.file]));
  return {
    dir, bundle: readSealedBundle(dir), config: readRulesConfig(), opaSources: exampleSources(), ruleFiles,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
