// The sealed policy bundle: a directory with OPA's bundle (bundle.tar.gz, as `opa build -t wasm`
// writes it) and blockgate's seal (seal.json) beside it. The shipped bundles/ and every bundle
// `blockgate build` writes have this one format. Bytes that do not match the seal are refused.
// This is the one place that reads and checks them; the engine runs only a bundle checked here.

import { createHash, type KeyObject } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BlockgateError } from '../errors.js';
import { readInputFile, readTextFile } from '../load/files.js';
import { quoted } from '../quote.js';
import { parseBundleKey, readOpaBundle, type VerifiedSignature } from './opa-bundle.js';

/** The policy's entrypoints, in the order the seal lists them. */
export const ENTRYPOINTS = {
  decision: 'blockgate/decision',
  plan: 'blockgate/plan',
  lint: 'blockgate/lint',
  breakpoints: 'blockgate/breakpoints',
} as const;

/** The version of the rule's view (data.blockgate.view) this blockgate runs; a bundle built for another is refused. */
export const VIEW_VERSION = 1;

/** The file names of the bundle and of its seal in a bundle directory. */
export const BUNDLE_FILE = 'bundle.tar.gz';
export const SEAL_FILE = 'seal.json';

/** What the seal says of one rule id (from its `# METADATA`). */
export interface RuleInfo {
  /** The rules file that defines the id, as the user named it at build time. */
  file: string;
  title: string | null;
  description: string | null;
}

/** seal.json (design "Bundle format"). */
export interface Seal {
  bundle: string;
  /** sha256 of bundle.tar.gz. */
  sha256: string;
  opa_version: string;
  source_sha256: string;
  /** source_sha256's first 16 digits; also the bundle manifest's revision. */
  revision: string;
  entrypoints: string[];
  view_version: number;
  blockgate_version: string;
  rules: Record<string, RuleInfo>;
  /** Rules files with a deny or warn whose id is not a literal: a denial with an id not in `rules` came from one of them. */
  dynamic_rules: string[];
  /** Whether the bundle carries OPA's signature (.signatures.json). */
  signed: boolean;
}

export interface SealedBundle {
  /** /policy.wasm of the bundle. */
  readonly wasm: Uint8Array;
  /** /data.json of the bundle (the rules' data; never `world` or `blockgate`), handed to the policy beside data.world. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly seal: Seal;
  /** Set when a bundle key was given and the signature verified. */
  readonly signature: Readonly<VerifiedSignature> | undefined;
}

export interface ReadBundleOptions {
  /** A PEM public key or certificate file: the bundle's OPA signature is then mandatory. */
  keyFile?: string | undefined;
}

// Every bundle readSealedBundle returned: an object shaped like one but not checked here is refused.
const checked = new WeakSet<SealedBundle>();

/** Whether `value` is a bundle readSealedBundle read and checked (not a look-alike). */
export function isCheckedBundle(value: unknown): value is SealedBundle {
  return typeof value === 'object' && value !== null && checked.has(value as SealedBundle);
}

/** bundles/ at the package root, from src/engine or dist/engine alike. */
export const DEFAULT_BUNDLE_DIR = fileURLToPath(new URL('../../bundles/', import.meta.url));

/** Top keys of data the host owns: a bundle's data.json may set neither. */
const HOST_DATA_KEYS = ['world', 'blockgate'];

function sealError(message: string, file?: string): BlockgateError {
  return new BlockgateError('bundle-seal', message, file === undefined ? {} : { file });
}

const isHex = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringOrNull = (v: unknown) => v === null || typeof v === 'string';

function readSeal(dir: string): Seal {
  const path = join(dir, SEAL_FILE);
  let seal: unknown;
  try {
    // The checked reader: a FIFO, a dangling link or an oversized file is refused, never waited on.
    seal = JSON.parse(readTextFile(path, 'bundle-seal'));
  } catch (e) {
    if (e instanceof BlockgateError) throw e;
    throw sealError(`${path}: cannot read the policy seal: ${(e as Error).message}`, path);
  }
  const s = seal as Partial<Seal>;
  if (!isRecord(s) || typeof s.bundle !== 'string' || !isHex(s.sha256) || !isHex(s.source_sha256)
    || typeof s.opa_version !== 'string' || typeof s.revision !== 'string' || !Array.isArray(s.entrypoints)
    || typeof s.view_version !== 'number' || typeof s.blockgate_version !== 'string' || typeof s.signed !== 'boolean'
    || !isRecord(s.rules) || !Array.isArray(s.dynamic_rules) || !s.dynamic_rules.every((f) => typeof f === 'string')) {
    throw sealError(`${path}: the policy seal is malformed`, path);
  }
  if (s.bundle !== BUNDLE_FILE) throw sealError(`${path}: the seal names the bundle ${quoted(s.bundle)}; a bundle directory holds ${BUNDLE_FILE}`, path);
  for (const [id, info] of Object.entries(s.rules)) {
    if (!isRecord(info) || typeof info.file !== 'string' || !isStringOrNull(info.title) || !isStringOrNull(info.description)) {
      throw sealError(`${path}: the seal's rule ${quoted(id)} is malformed (file, title, description)`, path);
    }
  }
  // Every field is vouched for, not only the digest: a forged revision or entrypoint list would
  // misreport which policy decided.
  if (s.revision !== s.source_sha256!.slice(0, 16)) {
    throw sealError(`${path}: the seal's revision ${s.revision} is not its source hash's (${s.source_sha256!.slice(0, 16)})`, path);
  }
  const expected = Object.values(ENTRYPOINTS);
  if (!sameList(s.entrypoints!, expected)) {
    throw sealError(`${path}: the seal lists entrypoints ${JSON.stringify(s.entrypoints)}, not ${JSON.stringify(expected)}`, path);
  }
  if (!/^\d+\.\d+\.\d+$/.test(s.opa_version!)) throw sealError(`${path}: the seal's opa_version "${s.opa_version}" is not a version`, path);
  if (s.view_version !== VIEW_VERSION) {
    throw sealError(`${path}: the bundle was built for rule view version ${s.view_version}, and this blockgate runs version ${VIEW_VERSION}; rebuild it with this blockgate (blockgate build)`, path);
  }
  return s as Seal;
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((e, i) => e === b[i]);
}

function readKey(keyFile: string): KeyObject {
  return parseBundleKey(readTextFile(keyFile, 'bundle-seal'), keyFile);
}

/**
 * Reads DIR/seal.json and DIR/bundle.tar.gz and checks one against the other: the tarball's
 * sha256, its manifest's revision and entrypoints, its data; with `keyFile`, its OPA signature
 * (then mandatory). Any mismatch is `bundle-seal` (exit 1). Read once per run and handed on to
 * every engine of that run.
 */
export function readSealedBundle(dir: string = DEFAULT_BUNDLE_DIR, opts: ReadBundleOptions = {}): SealedBundle {
  const key = opts.keyFile === undefined ? undefined : readKey(opts.keyFile);
  const seal = readSeal(dir);
  const path = join(dir, seal.bundle);
  let bytes: Buffer;
  try {
    bytes = readInputFile(path, 'bundle-seal');
  } catch (e) {
    if (e instanceof BlockgateError) throw e;
    throw sealError(`${path}: cannot read the policy bundle: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, path);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== seal.sha256) {
    throw sealError(`${path}: the policy bundle does not match its seal (sha256 ${actual}, sealed ${seal.sha256}); refusing to run it`, path);
  }
  const opa = readOpaBundle(bytes, { name: path, ...(key === undefined ? {} : { key }) });
  if (opa.manifest.revision !== seal.revision) {
    throw sealError(`${path}: the bundle's manifest has revision ${quoted(opa.manifest.revision)}, its seal ${quoted(seal.revision)}; refusing to run it`, path);
  }
  const entrypoints = opa.manifest.wasm.map((w) => w.entrypoint);
  if (!sameList(entrypoints, seal.entrypoints)) {
    throw sealError(`${path}: the bundle's manifest has entrypoints ${JSON.stringify(entrypoints)}, its seal ${JSON.stringify(seal.entrypoints)}; refusing to run it`, path);
  }
  if (opa.signed !== seal.signed) {
    throw sealError(`${path}: the bundle is ${opa.signed ? '' : 'not '}signed, but its seal says it is ${seal.signed ? '' : 'not'}; refusing to run it`, path);
  }
  const taken = HOST_DATA_KEYS.filter((k) => Object.hasOwn(opa.data, k));
  if (taken.length > 0) {
    throw sealError(`${path}: the bundle's data.json sets data.${taken[0]}, which blockgate fills itself; rule data lives under data.blockgate_rules_config`, path);
  }
  const bundle: SealedBundle = Object.freeze({ wasm: opa.wasm, data: opa.data, seal: Object.freeze(seal), signature: opa.signature });
  checked.add(bundle);
  return bundle;
}
