// Replacing a file whole, so that a crash leaves the old text or the new one, never half: a
// temporary file beside it, written and synced, renamed over it, then the directory synced.

import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ioError } from '../errors.js';

export interface ReplaceOptions {
  /** The file as the user named it, for messages. */
  file: string;
  /** What the file is, for messages: "the ledger". */
  what: string;
}

/**
 * Replaces `target` (a real path: the rename replaces what is there, so a link would become a
 * file) with `text`, keeping its mode; a new file gets 0644 whatever the umask.
 */
export async function replaceFile(target: string, text: string, opts: ReplaceOptions): Promise<void> {
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let mode = 0o644;
  try {
    mode = (await stat(target)).mode & 0o7777;
  } catch {
    // A new file gets the default mode.
  }
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.chmod(mode); // open's mode is masked by the umask; keep the file's own
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    throw ioError(opts.file, `cannot write ${opts.what} (it is unchanged)`, e);
  }
  await syncDirectory(dir, opts.file, `${opts.what} was written, but its directory could not be synced to disk`);
}

/**
 * Makes a rename or a new file's entry durable; Windows cannot open a directory, and needs no
 * such step. Shared by every file blockgate writes.
 */
export async function syncDirectory(dir: string, file: string, failure: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw ioError(file, failure, e);
  }
}
