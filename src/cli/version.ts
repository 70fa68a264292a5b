// `--version`: blockgate's own version, and the policy revision and OPA version of the bundle in
// use: the one BLOCKGATE_BUNDLE or blockgate.json's `bundle` names, else the shipped one.

import { readFileSync } from 'node:fs';
import { resolveConfig } from '../config/config.js';
import { readSealedBundle } from '../engine/bundle.js';
import type { CliIO } from './context.js';

/** blockgate's own version, from its package.json, wherever it is installed. */
export function ownVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * blockgate's version (the first line), then the policy revision and OPA version of the bundle
 * every command would use. A configured bundle (BLOCKGATE_BUNDLE, blockgate.json) is read and
 * checked: when it is unreadable or fails its seal, this throws that error (bundle-seal), never
 * falling back to the shipped bundle. The shipped bundle refused is said to in the text.
 */
export function versionText(io: Pick<CliIO, 'env'>, cwd: string = process.cwd()): string {
  const configured = resolveConfig({ cwd, env: io.env }).settings.bundle;
  if (configured !== undefined) {
    const { seal } = readSealedBundle(configured.value);
    return `${ownVersion()}\n${policyLine(seal)} from the bundle ${configured.value}`;
  }
  let policy: string;
  try {
    policy = policyLine(readSealedBundle().seal);
  } catch (e) {
    policy = `policy bundle refused: ${e instanceof Error ? e.message : String(e)}`;
  }
  return `${ownVersion()}\n${policy}`;
}

function policyLine(seal: { revision: string; opa_version: string; view_version: number }): string {
  return `policy revision ${seal.revision} (OPA ${seal.opa_version}, rule view ${seal.view_version})`;
}
