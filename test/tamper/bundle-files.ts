// The shipped bundle's files (bundles/bundle.tar.gz and seal.json), and ways to rebuild them
// changed, for the tamper suites: a file inside the tarball edited and packed again, a seal
// recomputed so that only the check under test can refuse it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOpaBundle } from '../../src/engine/opa-bundle.js';
import { tarGz } from '../rules-bundle/tar-writer.js';
import { PACKAGE_ROOT } from '../bad-input/run-cli.js';

export const TARBALL = readFileSync(join(PACKAGE_ROOT, 'bundles/bundle.tar.gz'));
export const SEAL_TEXT = readFileSync(join(PACKAGE_ROOT, 'bundles/seal.json'), 'utf8');
export const SEAL = JSON.parse(SEAL_TEXT) as Record<string, unknown>;
/** Every file of the shipped tarball by its bundle path ('.manifest', 'policy.wasm', ...). */
export const FILES: ReadonlyMap<string, Uint8Array> = readOpaBundle(TARBALL, { name: 'bundles/bundle.tar.gz' }).files;
export const MANIFEST = JSON.parse(Buffer.from(FILES.get('.manifest')!).toString('utf8')) as Record<string, unknown>;

export const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The shipped tarball packed again with `changes` (a path to new content, or null: left out). */
export function repacked(changes: Record<string, Uint8Array | string | null>): Buffer {
  const entries = [...FILES].filter(([path]) => changes[path] !== null).map(([path, content]) => ({ name: `/${path}`, content: changes[path] ?? content }));
  for (const [path, content] of Object.entries(changes)) if (content !== null && !FILES.has(path)) entries.push({ name: `/${path}`, content });
  return tarGz(entries);
}

/** The shipped tarball with its manifest patched, packed again. */
export const withManifest = (patch: Record<string, unknown>) => repacked({ '.manifest': JSON.stringify({ ...MANIFEST, ...patch }) });

export const sealWith = (patch: Record<string, unknown>) => `${JSON.stringify({ ...SEAL, ...patch }, null, 2)}\n`;
export const sealWithout = (field: string) => { const { [field]: _gone, ...rest } = SEAL; return `${JSON.stringify(rest, null, 2)}\n`; };
/** A seal whose sha256 is the given tarball's: only the checks past the digest can refuse the pair. */
export const sealFor = (tarball: Uint8Array, patch: Record<string, unknown> = {}) => sealWith({ sha256: sha(tarball), ...patch });
