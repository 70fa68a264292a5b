// The opa CLI, for building and testing rules: found (--opa, the PATH, the pinned .tools/bin/opa),
// run without a shell, and its errors handed on with the user's file and line.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlockgateError, located, type ErrorCode, type Problem } from '../errors.js';

/** The OPA version blockgate pins (Makefile OPA_VERSION). */
export const PINNED_OPA_VERSION = '1.22.3';

/**
 * `rule-build` (an input error, exit 3): bad rule input found while building or testing (a
 * syntax or type error, a rule outside package blockgate.rules, a builtin the bundle cannot
 * run, a malformed data.json, an id used in two files).
 */
export const RULE_BUILD: ErrorCode = 'rule-build';

export function ruleError(message: string, where: { file?: string; line?: number } = {}, more: Problem[] = []): BlockgateError {
  return new BlockgateError(RULE_BUILD, message, where, more);
}

/** The pinned opa beside the package (make opa builds it), from src/rules or dist/rules alike. */
export const PACKAGE_OPA = fileURLToPath(new URL('../../.tools/bin/opa', import.meta.url));

const INSTALL_HINT = `install OPA v${PINNED_OPA_VERSION}: run 'make opa' in the blockgate checkout (it builds .tools/bin/opa), `
  + `or 'go install github.com/open-policy-agent/opa@v${PINNED_OPA_VERSION}' and put it on the PATH, or pass --opa PATH`;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The opa to run: `given` (which must exist), else the first on PATH, else the package's. `io` (exit 1) when none. */
export function findOpa(given?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (given !== undefined) {
    // Absolute: opa runs in a staging directory, where a relative path would name nothing.
    if (executable(given)) return resolve(given);
    throw new BlockgateError('io', `--opa ${given}: no executable opa there; ${INSTALL_HINT}`, { file: given });
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'opa');
    if (executable(candidate)) return resolve(candidate);
  }
  if (executable(PACKAGE_OPA)) return PACKAGE_OPA;
  throw new BlockgateError('io', `no opa found (not on the PATH, not at ${PACKAGE_OPA}); ${INSTALL_HINT}`);
}

export interface OpaRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs opa with `args` in `cwd`; `io` when it cannot be started or is killed. */
export function runOpa(opa: string, args: string[], cwd: string): OpaRun {
  const r = spawnSync(opa, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new BlockgateError('io', `${opa}: cannot run opa: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`, { file: opa });
  if (r.status === null) throw new BlockgateError('io', `${opa} ${args[0]}: opa was stopped by ${r.signal}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The version opa reports (`opa version`), e.g. "1.22.3". */
export function opaVersion(opa: string, cwd: string): string {
  const r = runOpa(opa, ['version'], cwd);
  const m = /^Version: (\d+\.\d+\.\d+)\b/m.exec(r.stdout);
  if (r.status !== 0 || !m) throw new BlockgateError('io', `${opa}: 'opa version' did not report a version; ${INSTALL_HINT}`, { file: opa });
  const version = m[1]!;
  if (!version.startsWith('1.')) throw new BlockgateError('io', `${opa} is OPA ${version}; blockgate's policy is Rego v1 and needs OPA 1.x; ${INSTALL_HINT}`, { file: opa });
  return version;
}

interface OpaJsonError {
  message?: unknown;
  code?: unknown;
  location?: { file?: unknown; row?: unknown };
}

/**
 * opa's errors (`--format json`: {"errors": [{message, code, location: {file, row}}]}) as one
 * `rule-build` error listing every problem, each with the user's file (via `fileOf`) and line.
 * Text that is not opa's JSON is handed on as it is.
 */
export function opaFailure(run: OpaRun, what: string, fileOf: (opaFile: string) => string): BlockgateError {
  let errors: OpaJsonError[] | undefined;
  for (const text of [run.stdout, run.stderr]) {
    const start = text.indexOf('{');
    if (start < 0) continue;
    try {
      const parsed = JSON.parse(text.slice(start)) as { errors?: OpaJsonError[] };
      if (Array.isArray(parsed.errors) && parsed.errors.length > 0) { errors = parsed.errors; break; }
    } catch {
      // not JSON: handed on as text below
    }
  }
  if (errors === undefined) {
    const text = `${run.stderr}${run.stdout}`.trim() || `exit status ${run.status}`;
    return ruleError(`${what} failed: ${text}`);
  }
  const problems: Problem[] = errors.map((e) => {
    const file = typeof e.location?.file === 'string' && e.location.file !== '' ? fileOf(e.location.file) : undefined;
    const line = typeof e.location?.row === 'number' && e.location.row > 0 ? e.location.row : undefined;
    const text = `${typeof e.code === 'string' ? `${e.code}: ` : ''}${typeof e.message === 'string' ? e.message : 'error'}`;
    const p: Problem = { code: RULE_BUILD, message: file === undefined ? `${what}: ${text}` : located(file, line, text) };
    if (file !== undefined) p.file = file;
    if (line !== undefined) p.line = line;
    return p;
  });
  const [first, ...rest] = problems;
  return ruleError(first!.message, { file: first!.file, line: first!.line }, rest);
}
