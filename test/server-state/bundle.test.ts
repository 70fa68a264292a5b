// The server checks the policy bundle once, when it starts: reloads re-read the inputs and keep
// deciding with the checked bytes, so bytes changed on disk afterwards are never run.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openGate, readSealedBundle } from '../../src/index.js';
import { DEFAULT_BUNDLE_DIR } from '../../src/engine/bundle.js';
import { LiveGate } from '../../src/live-gate.js';
import { AT, FIX7 } from '../support/fix7.js';

const REQUEST = { action: 'apply', environment: 'production', at: AT };

describe('the live gate and its policy bundle', () => {
  it('a reload keeps the bundle the first gate was opened with, read from a directory or handed in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blockgate-live-bundle-'));
    cpSync(DEFAULT_BUNDLE_DIR, dir, { recursive: true });
    const options = { ...FIX7, bundleDir: dir };
    const gate = await openGate(options);
    const live = new LiveGate(options, gate, 0, () => 'unchanged');
    writeFileSync(join(dir, 'bundle.tar.gz'), Buffer.from('not the sealed bytes'));
    const status = live.reload(1);
    expect(status.ready).toBe(true);
    if (!status.ready) return;
    expect(status.gate.loaded.bundle).toBe(gate.loaded.bundle);
    expect(status.gate.check(REQUEST)).toEqual(gate.check(REQUEST));

    const bundle = readSealedBundle();
    const handed = new LiveGate(FIX7, await openGate(FIX7, bundle), 0, () => 'unchanged');
    const again = handed.reload(1);
    expect(again.ready && again.gate.loaded.bundle).toBe(bundle);
  });
});
