// The sealed policy bundle: policy.wasm and seal.json. Bytes that do not match the seal are refused.
// This is the one place that reads and checks them; the engine runs only a bundle checked here.

import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BlockgateError } from '../errors.js';
import { readInputFile, readTextFile } from '../load/files.js';

/** The policy's entrypoints, in the order the seal lists them. */
export const ENTRYPOINTS = {
  decision: 'blockgate/decision',
  plan: 'blockgate/plan',
  lint: 'blockgate/lint',
  breakpoints: 'blockgate/breakpoints',
} as const;

export interface Seal {
  bundle: string;
  sha256: string;
  opa_version: string;
  source_sha256: string;
  revision: string;
  entrypoints: string[];
}

export interface SealedBundle {
  readonly wasm: Uint8Array;
  readonly seal: Seal;
}

// Every bundle readSealedBundle returned: an object shaped like one but not checked here is refused.
const checked = new WeakSet<SealedBundle>();

/** Whether `value` is a bundle readSealedBundle read and checked (not a look-alike). */
export function isCheckedBundle(value: unknown): value is SealedBundle {
  return typeof value === 'object' && value !== null && checked.has(value as SealedBundle);
}

/** bundles/ at the package root, from src/engine or dist/engine alike. */
export const DEFAULT_BUNDLE_DIR = fileURLToPath(new URL('../../bundles/', import.meta.url));

function sealError(message: string): BlockgateError {
  return new BlockgateError('bundle-seal', message);
}

function readSeal(dir: string): Seal {
  const path = join(dir, 'seal.json');
  let seal: unknown;
  try {
    // The checked reader: a FIFO, a dangling link or an oversized file is refused, never waited on.
    seal = JSON.parse(readTextFile(path, 'bundle-seal'));
  } catch (e) {
    if (e instanceof BlockgateError) throw e;
    throw sealError(`${path}: cannot read the policy seal: ${(e as Error).message}`);
  }
  const s = seal as Partial<Seal>;
  const isHex = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
  if (typeof s !== 'object' || s === null || typeof s.bundle !== 'string' || !/^[\w.-]+$/.test(s.bundle)
    || !isHex(s.sha256) || !isHex(s.source_sha256) || typeof s.opa_version !== 'string'
    || typeof s.revision !== 'string' || !Array.isArray(s.entrypoints)) {
    throw sealError(`${path}: the policy seal is malformed`);
  }
  // Every field is vouched for, not only the digest: a forged revision or entrypoint list would
  // misreport which policy decided.
  if (s.revision !== s.source_sha256!.slice(0, 16)) {
    throw sealError(`${path}: the seal's revision ${s.revision} is not its source hash's (${s.source_sha256!.slice(0, 16)})`);
  }
  const expected = Object.values(ENTRYPOINTS);
  if (s.entrypoints!.length !== expected.length || expected.some((e, i) => s.entrypoints![i] !== e)) {
    throw sealError(`${path}: the seal lists entrypoints ${JSON.stringify(s.entrypoints)}, not ${JSON.stringify(expected)}`);
  }
  if (!/^\d+\.\d+\.\d+$/.test(s.opa_version!)) throw sealError(`${path}: the seal's opa_version "${s.opa_version}" is not a version`);
  return s as Seal;
}

/**
 * Reads the bundle and checks its bytes against the seal; any mismatch is `bundle-seal` (exit 1).
 * Read once per run and handed on to every engine of that run.
 */
export function readSealedBundle(dir: string = DEFAULT_BUNDLE_DIR): SealedBundle {
  const seal = readSeal(dir);
  const path = join(dir, seal.bundle);
  let wasm: Buffer;
  try {
    wasm = readInputFile(path, 'bundle-seal');
  } catch (e) {
    if (e instanceof BlockgateError) throw e;
    throw sealError(`${path}: cannot read the policy bundle: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const actual = createHash('sha256').update(wasm).digest('hex');
  if (actual !== seal.sha256) {
    throw sealError(`${path}: the policy bundle does not match its seal (sha256 ${actual}, sealed ${seal.sha256}); refusing to run it`);
  }
  const bundle: SealedBundle = Object.freeze({ wasm, seal: Object.freeze(seal) });
  checked.add(bundle);
  return bundle;
}
