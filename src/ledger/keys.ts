// Ed25519 keys, entry signatures, and the trust file that binds each key id to one role.

import {
  createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject,
} from 'node:crypto';
import { publicPointProblem } from './ed25519-point.js';
import { BlockgateError, problem, type ErrorCode, type Problem } from '../errors.js';
import { readTextFile } from '../load/files.js';
import { parseJson } from '../load/json.js';
import { normaliseRolePart } from '../schema/normalise.js';
import { SIGNATURE_PATTERN, validateTrust } from '../schema/schemas.js';
import type { LedgerEntry, TrustFile } from '../schema/types.js';
import { canonicalJson } from '../schema/canonical.js';

export interface KeyPairPem {
  /** PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). */
  privateKeyPem: string;
  /** SPKI PEM ("-----BEGIN PUBLIC KEY-----"). */
  publicKeyPem: string;
}

/** Where a key came from, for error messages. */
export interface KeySource { file: string; line?: number }

/** One key of the trust file, parsed. */
export interface TrustedKey {
  id: string;
  /** The role as written in the trust file. */
  role: string;
  /** The role as compared with an entry's role (SPEC 1.2). */
  normalisedRole: string;
  publicKey: KeyObject;
  /** Who holds the key, for rules (SPEC 1.4): the trust file's `principal`, else the key's id. */
  principal: string;
  /** The trust-file line where this key's object starts. */
  line: number;
}

export interface Trust {
  file: string;
  /** By key id; a Map, so that an id such as "__proto__" is plain data. */
  keys: ReadonlyMap<string, TrustedKey>;
}

export function generateKeyPair(): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

// Exactly one PEM block with the expected label: Node would also accept a private key where a
// public key is wanted (deriving the public half) or an X.509 certificate, and neither is meant.
function pemBlock(label: string): RegExp {
  return new RegExp(`^-----BEGIN ${label}-----\\r?\\n[A-Za-z0-9+/=\\r\\n]+-----END ${label}-----\\s*$`);
}
const PRIVATE_PEM = pemBlock('PRIVATE KEY');
const PUBLIC_PEM = pemBlock('PUBLIC KEY');

/** An Ed25519 key from PEM, or why not: kept apart so callers can word and place the error. */
function readKey(pem: string, kind: 'private' | 'public'): KeyObject | string {
  if (kind === 'private' && !PRIVATE_PEM.test(pem.trim())) {
    return 'not an unencrypted PKCS#8 PEM private key ("-----BEGIN PRIVATE KEY-----")';
  }
  if (kind === 'public' && !PUBLIC_PEM.test(pem.trim())) {
    return 'not an SPKI PEM public key ("-----BEGIN PUBLIC KEY-----")';
  }
  let key: KeyObject;
  try {
    key = kind === 'private'
      ? createPrivateKey({ key: pem, format: 'pem' })
      : createPublicKey({ key: pem, format: 'pem', type: 'spki' });
  } catch (e) {
    return `cannot read the ${kind} key: ${(e as Error).message}`;
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    return `${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519 (blockgate uses Ed25519 keys only)`;
  }
  if (kind === 'public') {
    // The SPKI DER of an Ed25519 key is a 12-byte header and the 32-byte point.
    const weakness = publicPointProblem(key.export({ type: 'spki', format: 'der' }).subarray(12));
    if (weakness !== undefined) return `not a usable Ed25519 public key: ${weakness}`;
  }
  return key;
}

/**
 * An Ed25519 private key from PKCS#8 PEM. Anything else (another algorithm, an encrypted or
 * public key, not PEM) is refused with `code`: a private key is a command argument, not a
 * SPEC input, so the default is `usage`.
 */
export function loadPrivateKey(pem: string, file: string, code: ErrorCode = 'usage'): KeyObject {
  const key = readKey(pem, 'private');
  if (typeof key === 'string') throw new BlockgateError(code, `${file}: ${key}`, { file });
  return key;
}

/** An Ed25519 public key from SPKI PEM; anything else is refused with `code`. */
export function loadPublicKey(pem: string, where: KeySource, code: ErrorCode = 'trust-schema'): KeyObject {
  const key = readKey(pem, 'public');
  if (typeof key === 'string') {
    const at = where.line === undefined ? where.file : `${where.file} line ${where.line}`;
    throw new BlockgateError(code, `${at}: ${key}`, { file: where.file, line: where.line });
  }
  return key;
}

export function publicKeyPemOf(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
}

/** True when both keys are the same public key (compared as SPKI DER bytes). */
export function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  const der = (k: KeyObject) => (k.type === 'private' ? createPublicKey(k) : k).export({ type: 'spki', format: 'der' });
  return der(a).equals(der(b));
}

/** The bytes an entry's signature covers: its canonical form without `sig` (SPEC 1.4). */
function signedBytes(entry: object): Buffer {
  const { sig: _sig, ...unsigned } = entry as { sig?: unknown };
  return Buffer.from(canonicalJson(unsigned), 'utf8');
}

/** Signs an entry (any `sig` it carries is left out); standard padded base64. */
export function signEntry(unsignedEntry: object, privateKey: KeyObject): string {
  return sign(null, signedBytes(unsignedEntry), privateKey).toString('base64');
}

// Node's base64 decoder skips bad characters; demanding the exact 88-character canonical text
// means one signature has one spelling.
const SIGNATURE_BASE64 = new RegExp(SIGNATURE_PATTERN);

/** The signature's 64 bytes when `sig` has its one canonical spelling; undefined otherwise. */
function signatureBytes(entry: LedgerEntry): Buffer | undefined {
  if (typeof entry.sig !== 'string' || !SIGNATURE_BASE64.test(entry.sig)) return undefined;
  const sig = Buffer.from(entry.sig, 'base64');
  return sig.length !== 64 || sig.toString('base64') !== entry.sig ? undefined : sig;
}

export function verifyEntrySig(entry: LedgerEntry, publicKey: KeyObject): boolean {
  const sig = signatureBytes(entry);
  if (sig === undefined) return false;
  try {
    return verify(null, signedBytes(entry), publicKey, sig);
  } catch {
    return false;
  }
}

/**
 * verifyEntrySig on libuv's thread pool (crypto.verify with a callback): the same checks and
 * the same answer, while the caller's thread goes on. Never rejects; any failure is false.
 */
export function verifyEntrySigOnPool(entry: LedgerEntry, publicKey: KeyObject): Promise<boolean> {
  const sig = signatureBytes(entry);
  if (sig === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify(null, signedBytes(entry), publicKey, sig, (error, ok) => resolve(error === null && ok === true));
    } catch {
      resolve(false);
    }
  });
}

/** Reads and checks a trust file: `trust-parse` if it is not JSON, `trust-schema` otherwise. */
export function loadTrust(path: string): Trust {
  return parseTrustText(readTextFile(path, 'trust-parse'), path);
}

/** The pure part of loadTrust; every problem is collected before throwing. */
export function parseTrustText(text: string, file: string): Trust {
  const doc = parseJson(text, file, { code: 'trust-parse' });
  const schemaProblems = validateTrust(doc, file);
  if (schemaProblems.length > 0) throw BlockgateError.fromProblems(schemaProblems);

  const problems: Problem[] = [];
  const keys = new Map<string, TrustedKey>();
  const firstLineOf = new Map<string, number>();
  const idOfKey = new Map<string, string>();
  (doc.value as TrustFile).keys.forEach((k, i) => {
    const line = doc.lineOf(`/keys/${i}`);
    const earlier = firstLineOf.get(k.id);
    if (earlier !== undefined) {
      problems.push(problem('trust-schema', file, line, `key id "${k.id}" is already used on line ${earlier}`));
      return;
    }
    firstLineOf.set(k.id, line);
    const normalisedRole = normaliseRolePart(k.role);
    if (normalisedRole === '') {
      problems.push(problem('trust-schema', file, doc.lineOf(`/keys/${i}/role`), `key "${k.id}": role is blank`));
    }
    const publicKey = readKey(k.public_key, 'public');
    if (typeof publicKey === 'string') {
      problems.push(problem('trust-schema', file, doc.lineOf(`/keys/${i}/public_key`), `key "${k.id}": public_key: ${publicKey}`));
      return;
    }
    // One key under two ids could hold two roles and alone satisfy "owner + operator".
    const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const sameKey = idOfKey.get(der);
    if (sameKey !== undefined) {
      problems.push(problem('trust-schema', file, line, `key "${k.id}" has the same public key as key "${sameKey}"; one key may hold one id and one role`));
      return;
    }
    idOfKey.set(der, k.id);
    keys.set(k.id, { id: k.id, role: k.role, normalisedRole, publicKey, principal: k.principal ?? k.id, line });
  });
  if (problems.length > 0) throw BlockgateError.fromProblems(problems);
  return { file, keys };
}
