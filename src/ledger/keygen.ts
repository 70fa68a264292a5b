// `ledger keygen`: a new Ed25519 key pair in two new files, its public key optionally added to a
// trust file. Every check comes first, so that a refusal leaves no key file behind.

import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BlockgateError } from '../errors.js';
import { replaceFile } from '../fs/atomic.js';
import { readTextFile } from '../load/files.js';
import { parseJson } from '../load/json.js';
import type { TrustFile } from '../schema/types.js';
import { generateKeyPair, loadTrust } from './keys.js';

export interface KeygenRequest {
  /** The key's id in the trust file, e.g. owner-1. */
  id: string;
  role: string;
  /** The private key file to create; the public key goes to `<out>.pub`. */
  out: string;
  /** A trust file to add the public key to (created if missing). */
  trust?: string | undefined;
}

/** What `ledger keygen` made. */
export type KeygenResult = { key_id: string; role: string; private_key: string; public_key: string; trust: string | null };

export async function generateKeyFiles(req: KeygenRequest): Promise<KeygenResult> {
  if (req.id.trim() === '' || req.role.trim() === '') throw new BlockgateError('usage', '--id and --role must not be empty');
  const trust = req.trust !== undefined ? trustToExtend(req.trust, req.id) : undefined;
  const publicPath = `${req.out}.pub`;
  for (const path of [req.out, publicPath]) {
    if (existsSync(path)) throw new BlockgateError('io', `${path}: already exists; refusing to overwrite a key`);
  }
  const pair = generateKeyPair();
  writeNew(req.out, pair.privateKeyPem, 0o600);
  writeNew(publicPath, pair.publicKeyPem, 0o644);
  if (req.trust !== undefined) {
    trust!.keys.push({ id: req.id, role: req.role, public_key: pair.publicKeyPem });
    await replaceFile(req.trust, `${JSON.stringify(trust, null, 2)}\n`, { file: req.trust, what: 'the trust file' });
  }
  return { key_id: req.id, role: req.role, private_key: req.out, public_key: publicPath, trust: req.trust ?? null };
}

function writeNew(path: string, text: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  try {
    // 'wx': never overwrite a key that may already sign entries.
    writeFileSync(path, text, { flag: 'wx', mode });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BlockgateError('io', code === 'EEXIST' ? `${path}: already exists; refusing to overwrite a key` : `${path}: cannot write: ${code ?? String(e)}`);
  }
  chmodSync(path, mode);
}

/** The trust file to add a key to (empty when missing); a duplicate id is refused before any key is made. */
function trustToExtend(path: string, id: string): TrustFile {
  if (!existsSync(path)) return { keys: [] };
  const trust = loadTrust(path);
  if (trust.keys.has(id)) throw new BlockgateError('trust-schema', `${path}: already has a key with id ${id}`, { file: path });
  return parseJson(readTextFile(path, 'trust-parse'), path, { code: 'trust-parse' }).value as TrustFile;
}
