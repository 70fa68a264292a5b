import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AT, FIX7 } from '../../test/support/fix7.js';
import type { Problem } from '../errors.js';
import { DEFAULT_BUNDLE_DIR, readSealedBundle, type SealedBundle } from '../engine/bundle.js';
import { rejection, thrown } from '../../test/support/thrown.js';
import { validateInputs } from '../validate.js';
import { openGate } from './gate.js';
import { collectInto, loadState, readInputs, stopAtFirst } from './state.js';

const MAP = FIX7.blockers[0]!;

function put(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'blockgate-state-')), name);
  writeFileSync(file, text);
  return file;
}

describe('the one loading sequence', () => {
  it('stops at the first problem when opening, and lists every problem for validate, in the same order', async () => {
    const options = { blockers: [put('bad.json', '{')], catalog: put('catalog.json', '[]'), trust: put('trust.json', '{"keys": 1}') };
    const problems: Problem[] = [];
    const inputs = readInputs(options, collectInto(problems));
    expect(problems.map((p) => p.code)).toEqual(['catalog-schema', 'map-parse', 'trust-schema']);
    expect([inputs.catalog, inputs.trust]).toEqual([undefined, undefined]);
    expect(thrown(() => readInputs(options, stopAtFirst)).code).toBe('catalog-schema');
    expect(thrown(() => loadState(options)).code).toBe('catalog-schema');
    expect((await validateInputs(options)).findings.map((f) => f.code)).toEqual(['catalog-schema', 'map-parse', 'trust-schema']);
  });

  it('a ledger with entries and no trust file is usage in both, never a decision', async () => {
    const options = { blockers: [MAP], ledger: FIX7.ledger };
    expect((await rejection(openGate(options))).code).toBe('usage');
    expect((await rejection(validateInputs(options))).code).toBe('usage');
  });

  it('a clean load gives every part', () => {
    const inputs = readInputs(FIX7, stopAtFirst);
    expect(inputs.ledger?.entries).toHaveLength(6);
    expect(inputs.trust?.keys.size).toBeGreaterThan(0);
    expect(inputs.verify).toBe(true);
  });
});

describe('the policy bundle: read and checked once, then handed on', () => {
  it('a gate opened with a checked bundle decides with it, as one opened from the directory does', async () => {
    const bundle = readSealedBundle();
    const given = await openGate(FIX7, bundle);
    const read = await openGate(FIX7);
    expect(given.check({ action: 'apply', environment: 'production', at: AT })).toEqual(read.check({ action: 'apply', environment: 'production', at: AT }));
    expect(given.loaded.bundle).toBe(bundle);
    expect(await validateInputs(FIX7, bundle)).toEqual(await validateInputs(FIX7));
  });

  it('refuses a look-alike bundle (never run unchecked) and a bundle beside a bundleDir', async () => {
    const { wasm, seal } = readSealedBundle();
    const e = await rejection(openGate(FIX7, { wasm, seal } as unknown as SealedBundle));
    expect([e.code, e.message]).toEqual(['usage', 'openGate: the bundle must be one returned by readSealedBundle, not an object']);
    expect((await rejection(openGate({ ...FIX7, bundleDir: DEFAULT_BUNDLE_DIR }, readSealedBundle()))).message).toBe('openGate: give a bundle or bundleDir, not both');
    expect((await rejection(validateInputs(FIX7, { wasm, seal } as unknown as SealedBundle))).code).toBe('usage');
  });

  it('a reload re-reads the inputs but keeps the bundle checked when the gate opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blockgate-state-bundle-'));
    cpSync(DEFAULT_BUNDLE_DIR, dir, { recursive: true });
    const gate = await openGate({ ...FIX7, bundleDir: dir });
    const bundle = gate.loaded.bundle;
    // The bytes on disk change after the check: the gate keeps running the ones it checked.
    writeFileSync(join(dir, 'bundle.tar.gz'), Buffer.from('tampered'));
    await gate.reload();
    expect(gate.loaded.bundle).toBe(bundle);
    expect(gate.check({ action: 'apply', environment: 'production', at: AT }).allowed).toBe(false);
    // A new gate reads the directory again, and refuses it.
    expect((await rejection(openGate({ ...FIX7, bundleDir: dir }))).code).toBe('bundle-seal');
  });
});
