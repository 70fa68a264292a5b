// Reading an OPA bundle (`opa build -t wasm`: a .tar.gz with .manifest, /policy.wasm, /data.json,
// the Rego sources and, when signed, .signatures.json) from its bytes. Fail closed: every size is
// bounded before it is allocated, only regular files with plain bundle-rooted names are taken,
// and anything odd is `bundle-seal` naming the bundle, never a partial bundle.

import { constants as zlibConstants, crc32, inflateRawSync } from 'node:zlib';
import { createHash, createPublicKey, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { BlockgateError } from '../errors.js';
import { parseJson } from '../load/json.js';
import { quoted } from '../quote.js';

/** Bounds on what a bundle may hold; a bundle beyond any of them is refused before it is read. */
export interface BundleLimits {
  compressedBytes: number;
  totalBytes: number;
  fileBytes: number;
  entries: number;
}

export const DEFAULT_BUNDLE_LIMITS: Readonly<BundleLimits> = Object.freeze({
  compressedBytes: 16 * 1024 * 1024,
  totalBytes: 64 * 1024 * 1024,
  fileBytes: 32 * 1024 * 1024,
  entries: 4096,
});

export interface WasmResolver {
  entrypoint: string;
  module: string;
}

/** The bundle's .manifest, as OPA defines it (bundle.Manifest). */
export interface BundleManifest {
  revision: string;
  roots: string[];
  metadata: Record<string, unknown>;
  wasm: WasmResolver[];
  rego_version?: number;
}

/** What the bundle's signature vouched for, when a key checked it. */
export interface VerifiedSignature {
  algorithm: string;
  keyid: string | undefined;
  scope: string | undefined;
}

export interface OpaBundle {
  /** How the bundle is named in messages (its path). */
  readonly name: string;
  readonly manifest: Readonly<BundleManifest>;
  /** /policy.wasm */
  readonly wasm: Uint8Array;
  /** /data.json, parsed (an object). */
  readonly data: Readonly<Record<string, unknown>>;
  /** Every file by its bundle path without the leading "/" (".manifest", "policy.wasm", ...). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** Whether the bundle carries .signatures.json. */
  readonly signed: boolean;
  /** Set only when a key was given and the signature and every file's hash checked out. */
  readonly signature: Readonly<VerifiedSignature> | undefined;
}

export interface ReadBundleOptions {
  /** The bundle's name in messages (its path). */
  name: string;
  /** With a key, the signature is mandatory: unsigned, wrongly signed or tampered is refused. */
  key?: KeyObject;
  /** The scope the signature must carry (OPA's verification scope); none by default. */
  scope?: string;
  limits?: Partial<BundleLimits>;
}

const MANIFEST = '.manifest';
const SIGNATURES = '.signatures.json';
const WASM = 'policy.wasm';
const DATA = 'data.json';

function refuse(name: string, what: string): BlockgateError {
  return new BlockgateError('bundle-seal', `${name}: ${what}; refusing the bundle`, { file: name });
}

/** Reads and checks an OPA bundle from its .tar.gz bytes; any problem is `bundle-seal` (exit 1). */
export function readOpaBundle(bytes: Uint8Array, opts: ReadBundleOptions): OpaBundle {
  const limits = { ...DEFAULT_BUNDLE_LIMITS, ...opts.limits };
  const name = opts.name;
  const tar = gunzip(bytes, name, limits);
  const files = readTar(tar, name, limits);
  for (const path of files.keys()) {
    if (path === MANIFEST || path === SIGNATURES || path === WASM || path === DATA || path.endsWith('.rego')) continue;
    throw refuse(name, `holds ${quoted(path)}, which an OPA wasm bundle does not (only .manifest, policy.wasm, data.json, .signatures.json and .rego sources)`);
  }
  const need = (path: string): Uint8Array => {
    const file = files.get(path);
    if (file === undefined) throw refuse(name, `has no /${path}`);
    return file;
  };
  const manifest = readManifest(need(MANIFEST), name);
  const wasm = need(WASM);
  if (wasm.length < 8 || Buffer.from(wasm.subarray(0, 4)).toString('latin1') !== '\0asm') throw refuse(name, `its /${WASM} is not a WebAssembly module`);
  const data = parseJsonFile(need(DATA), `${name}: /${DATA}`);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw refuse(name, `its /${DATA} is not a JSON object`);
  for (const resolver of manifest.wasm) {
    if (resolver.module !== `/${WASM}`) throw refuse(name, `its manifest names the wasm module ${quoted(resolver.module)}; only /${WASM} is read`);
  }
  const signed = files.has(SIGNATURES);
  let signature: VerifiedSignature | undefined;
  if (opts.key !== undefined) {
    if (!signed) throw refuse(name, `is not signed (no ${SIGNATURES}), and a bundle key makes the signature mandatory`);
    signature = verifySignatures(files, opts.key, opts.scope, name);
  }
  return Object.freeze({
    name,
    manifest: Object.freeze(manifest),
    wasm,
    data: Object.freeze(data as Record<string, unknown>),
    files,
    signed,
    signature: signature === undefined ? undefined : Object.freeze(signature),
  });
}

// ---------------------------------------------------------------------------------------------
// gzip (RFC 1952): one member, its CRC and length checked, nothing after it.

const FTEXT = 1, FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16;

function gunzip(bytes: Uint8Array, name: string, limits: BundleLimits): Buffer {
  const gz = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (gz.length > limits.compressedBytes) throw refuse(name, `is ${gz.length} bytes, over the limit of ${limits.compressedBytes}`);
  if (gz.length < 18 || gz[0] !== 0x1f || gz[1] !== 0x8b || gz[2] !== 8) throw refuse(name, 'is not a gzip file (.tar.gz)');
  const flags = gz[3]!;
  if ((flags & ~(FTEXT | FNAME | FCOMMENT)) !== 0) {
    throw refuse(name, `has gzip header flags 0x${flags.toString(16)} (extra field, header CRC or reserved bits), which opa build never writes`);
  }
  let at = 10;
  for (const flag of [FNAME, FCOMMENT]) {
    if ((flags & flag) === 0) continue;
    const end = gz.indexOf(0, at);
    if (end < 0) throw refuse(name, 'has a gzip header that never ends');
    at = end + 1;
  }
  let result: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    result = inflateRawSync(gz.subarray(at), { info: true, maxOutputLength: limits.totalBytes + 1024 * 1024, finishFlush: zlibConstants.Z_FINISH }) as unknown as typeof result;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE') throw refuse(name, `unpacks to more than ${limits.totalBytes} bytes`);
    throw refuse(name, `is not a whole gzip stream (${err.message})`);
  }
  const tar = result.buffer;
  const trailer = at + result.engine.bytesWritten;
  if (gz.length - trailer < 8) throw refuse(name, 'is truncated (the gzip trailer is missing)');
  if (gz.length - trailer > 8) throw refuse(name, `has ${gz.length - trailer - 8} bytes after its gzip stream`);
  if (gz.readUInt32LE(trailer) !== crc32(tar) || gz.readUInt32LE(trailer + 4) !== tar.length % 2 ** 32) {
    throw refuse(name, 'fails its gzip checksum (damaged)');
  }
  return tar;
}

// ---------------------------------------------------------------------------------------------
// tar (POSIX ustar, with pax extended headers as Go's archive/tar writes them): regular files only.

const BLOCK = 512;
// pax records that change nothing about a regular file's bytes or name.
const INERT_PAX_KEYS = new Set(['mtime', 'atime', 'ctime', 'uid', 'gid', 'uname', 'gname', 'comment']);
const MAX_PAX_BYTES = 64 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function field(block: Buffer, start: number, length: number): Buffer {
  const raw = block.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return nul < 0 ? raw : raw.subarray(0, nul);
}

function octal(block: Buffer, start: number, length: number, what: string, name: string): number {
  const text = block.subarray(start, start + length).toString('latin1').replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (!/^[0-7]{1,12}$/.test(text)) throw refuse(name, `has a tar header whose ${what} is not an octal number`);
  return parseInt(text, 8);
}

function text(bytes: Buffer, what: string, name: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw refuse(name, `has ${what} that is not UTF-8`);
  }
}

/**
 * The bundle path of a tar entry name, without OPA's leading "/" (it roots every name in the
 * bundle). Refused: "..", "." and empty segments, a trailing "/", "//", backslashes, a drive
 * letter, and control characters.
 */
export function bundlePath(raw: string, name: string): string {
  const path = raw.startsWith('/') ? raw.slice(1) : raw;
  const bad = path === '' || path.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(path) || /^[A-Za-z]:/.test(path)
    || path.split('/').some((s) => s === '' || s === '.' || s === '..');
  if (bad) throw refuse(name, `holds an entry named ${quoted(raw)}: not a plain path inside the bundle (traversal, absolute or malformed)`);
  return path;
}

function parsePax(data: Buffer, name: string): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const lengthText = space < 0 ? '' : data.subarray(at, space).toString('latin1');
    const length = /^[1-9]\d{0,5}$/.test(lengthText) ? Number(lengthText) : NaN;
    if (!(length > 0) || at + length > data.length || data[at + length - 1] !== 0x0a) throw refuse(name, 'has a malformed pax header');
    const record = text(data.subarray(space + 1, at + length - 1), 'a pax record', name);
    const eq = record.indexOf('=');
    if (eq <= 0) throw refuse(name, 'has a malformed pax record');
    const key = record.slice(0, eq);
    if (records.has(key)) throw refuse(name, `has a pax header that sets ${quoted(key)} twice`);
    records.set(key, record.slice(eq + 1));
    at += length;
  }
  for (const key of records.keys()) {
    if (key !== 'path' && key !== 'size' && !INERT_PAX_KEYS.has(key)) throw refuse(name, `has a pax record ${quoted(key)}, which blockgate does not read (links, sparse files, ...)`);
  }
  return records;
}

function readTar(tar: Buffer, name: string, limits: BundleLimits): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let total = 0;
  let at = 0;
  let pax: Map<string, string> | undefined;
  let entries = 0;
  for (;;) {
    if (at + BLOCK > tar.length) throw refuse(name, 'is truncated (its tar archive has no end marker)');
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) {
      if (pax !== undefined) throw refuse(name, 'ends with a pax header that describes no entry');
      const rest = tar.subarray(at + BLOCK);
      if (rest.length < BLOCK || !rest.every((b) => b === 0)) throw refuse(name, 'has a damaged tar end marker or data after it');
      return files;
    }
    if (++entries > limits.entries * 2) throw refuse(name, `has more than ${limits.entries} entries`);
    const sum = octal(header, 148, 8, 'checksum', name);
    let actual = 8 * 0x20;
    for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) actual += header[i]!;
    if (sum !== actual) throw refuse(name, `has a tar header at offset ${at} that fails its checksum (damaged)`);
    if (header.subarray(257, 263).toString('latin1') !== 'ustar\0' || header.subarray(263, 265).toString('latin1') !== '00') {
      throw refuse(name, `has a tar header at offset ${at} that is not POSIX ustar`);
    }
    const type = String.fromCharCode(header[156]!);
    let size = octal(header, 124, 12, 'size', name);
    const limit = type === 'x' ? MAX_PAX_BYTES : limits.fileBytes;
    if (type !== 'x' && pax?.has('size')) {
      const paxSize = pax.get('size')!;
      if (!/^(0|[1-9]\d{0,15})$/.test(paxSize)) throw refuse(name, 'has a pax size that is not a number');
      size = Number(paxSize);
    }
    if (size > limit) throw refuse(name, `holds an entry of ${size} bytes, over the limit of ${limit}`);
    const start = at + BLOCK;
    const end = start + size;
    if (end > tar.length) throw refuse(name, 'is truncated (a tar entry is cut short)');
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    const content = tar.subarray(start, end);
    if (type === 'x') {
      if (pax !== undefined) throw refuse(name, 'has two pax headers in a row');
      pax = parsePax(content, name);
      continue;
    }
    if (type !== '0' && type !== '\0') throw refuse(name, `holds an entry of tar type ${quoted(type)} (a link, directory or device): only regular files are read`);
    const ustarName = [field(header, 345, 155), field(header, 0, 100)].filter((p) => p.length > 0);
    const raw = pax?.get('path') ?? text(Buffer.concat(ustarName.length === 2 ? [ustarName[0]!, Buffer.from('/'), ustarName[1]!] : ustarName), 'an entry name', name);
    pax = undefined;
    const path = bundlePath(raw, name);
    if (files.has(path)) throw refuse(name, `holds ${quoted(path)} twice`);
    if (files.size >= limits.entries) throw refuse(name, `has more than ${limits.entries} entries`);
    total += size;
    if (total > limits.totalBytes) throw refuse(name, `unpacks to more than ${limits.totalBytes} bytes`);
    files.set(path, new Uint8Array(content));
  }
}

// ---------------------------------------------------------------------------------------------
// The manifest and data.

function parseJsonFile(bytes: Uint8Array, where: string): unknown {
  let source: string;
  try {
    source = utf8.decode(bytes);
  } catch {
    throw new BlockgateError('bundle-seal', `${where}: not UTF-8; refusing the bundle`);
  }
  return parseJson(source, where, { code: 'bundle-seal' }).value;
}

const MANIFEST_FIELDS = new Set(['revision', 'roots', 'wasm', 'metadata', 'rego_version', 'file_rego_versions']);

function readManifest(bytes: Uint8Array, name: string): BundleManifest {
  const m = parseJsonFile(bytes, `${name}: /${MANIFEST}`) as Record<string, unknown>;
  const bad = (what: string) => refuse(name, `its manifest ${what}`);
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw bad('is not a JSON object');
  for (const key of Object.keys(m)) if (!MANIFEST_FIELDS.has(key)) throw bad(`has the field ${quoted(key)}, which blockgate does not know`);
  const revision = m.revision ?? '';
  if (typeof revision !== 'string') throw bad('revision is not a string');
  const roots = m.roots ?? [''];
  if (!Array.isArray(roots) || !roots.every((r) => typeof r === 'string')) throw bad('roots are not a list of strings');
  const trimmed = (roots as string[]).map((r) => r.replace(/^\/+|\/+$/g, ''));
  const contains = (outer: string, inner: string) => outer === '' || inner === outer || inner.startsWith(`${outer}/`);
  for (let i = 0; i < trimmed.length; i++) {
    for (let j = i + 1; j < trimmed.length; j++) {
      if (contains(trimmed[i]!, trimmed[j]!) || contains(trimmed[j]!, trimmed[i]!)) throw bad(`roots ${quoted(trimmed[i]!)} and ${quoted(trimmed[j]!)} overlap`);
    }
  }
  const metadata = m.metadata ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw bad('metadata is not an object');
  const wasmList = m.wasm ?? [];
  if (!Array.isArray(wasmList)) throw bad('wasm is not a list');
  const seen = new Set<string>();
  const wasm = wasmList.map((w: unknown): WasmResolver => {
    const r = w as Record<string, unknown>;
    if (typeof r !== 'object' || r === null || typeof r.entrypoint !== 'string' || typeof r.module !== 'string') throw bad('has a wasm entry without an entrypoint and module');
    if (seen.has(r.entrypoint)) throw bad(`lists the entrypoint ${quoted(r.entrypoint)} twice`);
    seen.add(r.entrypoint);
    if (!trimmed.some((root) => contains(root, r.entrypoint as string))) throw bad(`entrypoint ${quoted(r.entrypoint)} is outside its roots`);
    return { entrypoint: r.entrypoint, module: r.module };
  });
  const manifest: BundleManifest = { revision, roots: roots as string[], metadata: metadata as Record<string, unknown>, wasm };
  if (m.rego_version !== undefined) {
    if (m.rego_version !== 1) throw bad(`rego_version is ${JSON.stringify(m.rego_version)}, not 1 (Rego v1)`);
    manifest.rego_version = 1;
  }
  return manifest;
}

// ---------------------------------------------------------------------------------------------
// OPA bundle signatures: .signatures.json holds one JWT (compact JWS) whose payload lists every
// file of the bundle with its hash. OPA hashes data.json and .manifest over their parsed JSON
// (keys sorted, compact, numbers as written), every other file over its bytes.

type Verifier = { hash: string | null; padding?: number; saltLength?: number; dsaEncoding?: 'ieee-p1363'; keyTypes: string[]; curve?: string };

const ALGORITHMS: Record<string, Verifier> = {
  RS256: { hash: 'sha256', padding: 1, keyTypes: ['rsa'] },
  RS384: { hash: 'sha384', padding: 1, keyTypes: ['rsa'] },
  RS512: { hash: 'sha512', padding: 1, keyTypes: ['rsa'] },
  PS256: { hash: 'sha256', padding: 6, saltLength: 32, keyTypes: ['rsa', 'rsa-pss'] },
  PS384: { hash: 'sha384', padding: 6, saltLength: 48, keyTypes: ['rsa', 'rsa-pss'] },
  PS512: { hash: 'sha512', padding: 6, saltLength: 64, keyTypes: ['rsa', 'rsa-pss'] },
  ES256: { hash: 'sha256', dsaEncoding: 'ieee-p1363', keyTypes: ['ec'], curve: 'prime256v1' },
  ES384: { hash: 'sha384', dsaEncoding: 'ieee-p1363', keyTypes: ['ec'], curve: 'secp384r1' },
  ES512: { hash: 'sha512', dsaEncoding: 'ieee-p1363', keyTypes: ['ec'], curve: 'secp521r1' },
  EdDSA: { hash: null, keyTypes: ['ed25519'] },
};

/** OPA's file hash algorithms, less MD5 and SHA-1, which are too weak to vouch for a file. */
const FILE_HASHES: Record<string, string> = {
  'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512',
  'SHA-512-224': 'sha512-224', 'SHA-512-256': 'sha512-256',
};

const JWT_HEADER_FIELDS = new Set(['alg', 'kid', 'typ']);

/**
 * The public key that --bundle-key names: a PEM public key (SPKI or PKCS#1) or certificate.
 * `bundle-seal` when the text is neither.
 */
export function parseBundleKey(pem: string, file: string): KeyObject {
  try {
    if (pem.includes('-----BEGIN CERTIFICATE-----')) return new X509Certificate(pem).publicKey;
    if (!/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem)) throw new Error('no PEM public key in it');
    return createPublicKey({ key: pem, format: 'pem' });
  } catch (e) {
    throw new BlockgateError('bundle-seal', `${file}: not a PEM public key or certificate to verify bundles with (${(e as Error).message})`, { file });
  }
}

function base64url(part: string, what: string, name: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw refuse(name, `its signature's ${what} is not base64url`);
  return Buffer.from(part, 'base64url');
}

function verifySignatures(files: Map<string, Uint8Array>, key: KeyObject, scope: string | undefined, name: string): VerifiedSignature {
  const bad = (what: string) => refuse(name, `its signature ${what}`);
  const config = parseJsonFile(files.get(SIGNATURES)!, `${name}: /${SIGNATURES}`) as Record<string, unknown>;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw bad('file is not a JSON object');
  if (config.plugin !== undefined && config.plugin !== '_default') throw bad(`file names the signing plugin ${quoted(String(config.plugin))}; only OPA's default signing is verified`);
  const tokens = config.signatures;
  if (!Array.isArray(tokens) || tokens.length !== 1 || typeof tokens[0] !== 'string') throw bad('file does not hold exactly one JWT');
  const parts = (tokens[0] as string).split('.');
  if (parts.length !== 3) throw bad('is not a compact JWT (three parts)');
  const [headerPart, payloadPart, sigPart] = parts as [string, string, string];
  const header = parseJsonFile(base64url(headerPart, 'header', name), `${name}: /${SIGNATURES} JWT header`) as Record<string, unknown>;
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw bad('header is not a JSON object');
  for (const field of Object.keys(header)) if (!JWT_HEADER_FIELDS.has(field)) throw bad(`header has ${quoted(field)}, which blockgate does not accept`);
  const alg = header.alg;
  if (typeof alg !== 'string') throw bad('header names no algorithm');
  if (/^HS(256|384|512)$/.test(alg)) throw bad(`uses ${alg}, an HMAC shared secret: a PEM public key (--bundle-key) cannot verify it; sign with an RSA, EC or Ed25519 key`);
  const verifier = ALGORITHMS[alg];
  if (verifier === undefined) throw bad(`uses the algorithm ${quoted(alg)}, which blockgate does not verify (RS*, PS*, ES*, EdDSA)`);
  const keyType = key.asymmetricKeyType ?? 'none';
  if (!verifier.keyTypes.includes(keyType)) throw bad(`uses ${alg}, which a ${keyType} key cannot verify`);
  if (verifier.curve !== undefined && key.asymmetricKeyDetails?.namedCurve !== verifier.curve) {
    throw bad(`uses ${alg}, which needs a ${verifier.curve} key, not ${key.asymmetricKeyDetails?.namedCurve ?? 'this one'}`);
  }
  const signingInput = Buffer.from(`${headerPart}.${payloadPart}`, 'latin1');
  const signature = base64url(sigPart, 'signature', name);
  const keyOptions = { key, padding: verifier.padding, saltLength: verifier.saltLength, dsaEncoding: verifier.dsaEncoding };
  let ok: boolean;
  try {
    ok = verify(verifier.hash, signingInput, verifier.hash === null ? key : keyOptions, signature);
  } catch {
    ok = false;
  }
  if (!ok) throw bad(`does not verify with the bundle key (${alg})`);

  const payload = parseJsonFile(base64url(payloadPart, 'payload', name), `${name}: /${SIGNATURES} JWT payload`) as Record<string, unknown>;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw bad('payload is not a JSON object');
  const signedScope = payload.scope ?? '';
  if (signedScope !== (scope ?? '')) throw bad(`has the scope ${quoted(String(signedScope))}, not ${quoted(scope ?? '')}`);
  const keyid = typeof header.kid === 'string' ? header.kid : typeof payload.keyid === 'string' ? payload.keyid : undefined;
  const listed = payload.files;
  if (!Array.isArray(listed)) throw bad('payload lists no files');
  const claimed = new Map<string, { hash: string; algorithm: string }>();
  for (const entry of listed as unknown[]) {
    const f = entry as Record<string, unknown>;
    if (typeof f !== 'object' || f === null || typeof f.name !== 'string' || typeof f.hash !== 'string' || typeof f.algorithm !== 'string') throw bad('lists a file without name, hash and algorithm');
    const path = bundlePath(f.name, name);
    if (claimed.has(path)) throw bad(`lists ${quoted(path)} twice`);
    claimed.set(path, { hash: f.hash, algorithm: f.algorithm });
  }
  for (const [path, bytes] of files) {
    if (path === SIGNATURES) continue;
    const claim = claimed.get(path);
    if (claim === undefined) throw bad(`does not cover ${quoted(path)}, which the bundle holds`);
    const hash = FILE_HASHES[claim.algorithm];
    if (hash === undefined) throw bad(`hashes ${quoted(path)} with ${quoted(claim.algorithm)}, which blockgate does not accept`);
    const digest = createHash(hash).update(isStructured(path) ? structuredForm(bytes, `${name}: /${path}`) : bytes).digest('hex');
    if (digest !== claim.hash.toLowerCase()) throw refuse(name, `its file ${quoted(path)} does not match its signed hash (tampered)`);
    claimed.delete(path);
  }
  const missing = [...claimed.keys()];
  if (missing.length > 0) throw bad(`lists ${missing.map(quoted).join(', ')}, which the bundle does not hold`);
  return { algorithm: alg, keyid, scope: typeof payload.scope === 'string' ? payload.scope : undefined };
}

// OPA's bundle.IsStructuredDoc.
function isStructured(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base === DATA || base === 'data.yaml' || base === MANIFEST;
}

const TOKEN = /\s*(?:([{}[\],:])|("(?:[^"\\]|\\.)*")|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null))/y;

/**
 * The bytes OPA hashes for a JSON file (bundle/hash.go): objects with their keys sorted (by UTF-8
 * bytes), no white space, numbers exactly as written, strings as Go's encoder writes them without
 * HTML escaping. The text is first checked by the strict reader (duplicate keys, lone
 * surrogates and malformed JSON are refused).
 */
export function structuredForm(bytes: Uint8Array, where: string): string {
  parseJsonFile(bytes, where);
  const source = utf8.decode(bytes);
  let at = 0;
  const next = (): RegExpExecArray => {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(source)!;
    at = TOKEN.lastIndex;
    return m;
  };
  const string = (token: string) => JSON.stringify(JSON.parse(token) as string).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const value = (m: RegExpExecArray): string => {
    if (m[2] !== undefined) return string(m[2]);
    if (m[3] !== undefined || m[4] !== undefined) return (m[3] ?? m[4])!;
    if (m[1] === '[') {
      const items: string[] = [];
      for (let t = next(); t[1] !== ']'; t = next()) {
        if (t[1] === ',') continue;
        items.push(value(t));
      }
      return `[${items.join(',')}]`;
    }
    const members: Array<[Buffer, string]> = [];
    for (let t = next(); t[1] !== '}'; t = next()) {
      if (t[1] === ',') continue;
      const key = JSON.parse(t[2]!) as string;
      next(); // ':'
      members.push([Buffer.from(key, 'utf8'), `${string(t[2]!)}:${value(next())}`]);
    }
    members.sort((a, b) => Buffer.compare(a[0], b[0]));
    return `{${members.map((m) => m[1]).join(',')}}`;
  };
  if (source.charCodeAt(0) === 0xfeff) at = 1;
  return value(next());
}
