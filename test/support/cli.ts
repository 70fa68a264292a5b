// Runs bin/blockgate as a user would, in a separate process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${ROOT}bin/blockgate`;
/** The original blocker map, kept verbatim in fixtures/ (core-seed checks it against ../shared/seed). */
export const SEED = fileURLToPath(new URL('../../fixtures/fix7/production-readiness-blocker-map.json', import.meta.url));
/** Where the workplace keeps the original, beside the clone; absent outside it. */
export const SHARED_SEED = fileURLToPath(new URL('../../../shared/seed/production-readiness-blocker-map.json', import.meta.url));
export const FIX7 = `${ROOT}fixtures/fix7`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (when --format json). */
  json: any;
}

export function blockgate(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    input: options.input,
  });
  let json: unknown;
  try { json = JSON.parse(r.stdout); } catch { json = undefined; }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json };
}
