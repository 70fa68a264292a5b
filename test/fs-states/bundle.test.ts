// File-system states for the policy bundle (src/engine/bundle.ts, not H3's): the bundle
// directory and its two files. Kept apart so its owner can take it on. Library level: there is
// (the --bundle flag reads the same directory through readSealedBundle).
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BlockgateError } from '../../src/errors.js';
import { openGate } from '../../src/index.js';
import { DEFAULT_BUNDLE_DIR } from '../../src/engine/bundle.js';
import { SEED } from '../support/cli.js';
import { makeState, releaseFifoLater, scratch, STATES } from './harness.js';

let release: (() => void) | undefined;
afterEach(() => {
  release?.();
  release = undefined;
});

async function refusal(bundleDir: string): Promise<BlockgateError> {
  try {
    await openGate({ blockers: [SEED], bundleDir });
  } catch (e) {
    if (e instanceof BlockgateError) return e;
    throw e;
  }
  throw new Error('the gate opened over a broken bundle');
}

/** What the message must say the entry is, beyond naming it. */
const SAYS: Record<(typeof STATES)[number], RegExp> = {
  missing: /not found|ENOENT/,
  'dangling link': /dangling symbolic link/,
  'link to a directory': /directory/,
  'link loop': /loop/,
  directory: /directory/,
  FIFO: /FIFO/,
  'empty file': /./,
  'over the size limit': /limit/,
};

describe.each(['bundle.tar.gz', 'seal.json'])('bundle file %s', (name) => {
  it.each(STATES)('%s', async (state) => {
    const dir = join(scratch('bundle'), 'bundle');
    mkdirSync(dir);
    for (const file of readdirSync(DEFAULT_BUNDLE_DIR)) copyFileSync(join(DEFAULT_BUNDLE_DIR, file), join(dir, file));
    const path = join(dir, name);
    rmSync(path);
    makeState(path, state);
    if (state === 'FIFO') release = releaseFifoLater(path);
    const e = await refusal(dir);
    expect(e.code).toBe('bundle-seal');
    expect(e.message).toContain(path);
    expect(e.message).toMatch(SAYS[state]);
  }, 60_000);
});

describe('the bundle directory', () => {
  it.each(STATES.filter((s) => s !== 'link to a directory'))('%s', async (state) => {
    const path = join(scratch('bundle-dir'), 'bundle');
    makeState(path, state);
    const e = await refusal(path);
    expect(e.code).toBe('bundle-seal');
    expect(e.message).toContain(path);
  }, 60_000);
});
