import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync,
  truncateSync, writeFileSync,
} from 'node:fs';
import { MAX_INPUT_BYTES } from '../load/files.js';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { BlockgateError } from '../errors.js';
import { rejection } from '../../test/support/thrown.js';
import { appendEntry, appendEntryFromFiles, type AppendRequest } from './append.js';
import type { DraftEntry } from './draft.js';
import { canonicalJson, sha256Hex } from '../schema/canonical.js';
import { generateKeyPair, parseTrustText } from './keys.js';
import { readLedger } from './ledger.js';

const owner = generateKeyPair();
const operator = generateKeyPair();
const intruder = generateKeyPair();
const trust = parseTrustText(JSON.stringify({
  keys: [
    { id: 'owner-1', role: 'owner', public_key: owner.publicKeyPem },
    { id: 'operator-1', role: 'operator', public_key: operator.publicKeyPem },
  ],
}), 'trust.json');

const grant = (id: string, extra: DraftEntry = {}): DraftEntry => ({
  id, type: 'grant', issued_at: '2026-11-20T10:00:00Z', action: 'apply', environment: 'production', resolves: ['B-1'], ...extra,
});

function freshLedgerPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'blockgate-append-')), 'grants.jsonl');
}

function asOwner(ledgerPath: string, draft: DraftEntry, more: Partial<AppendRequest> = {}): Promise<unknown> {
  return appendEntry({ ledgerPath, draft, privateKeyPem: owner.privateKeyPem, keyId: 'owner-1', trust, ...more });
}


describe('appendEntry', () => {
  it('creates the ledger and builds a valid signed chain', async () => {
    const path = freshLedgerPath();
    const first = await asOwner(path, grant('G-1', { role: 'owner' }));
    const second = await appendEntry({
      ledgerPath: path, draft: grant('G-2', { note: 'no role given: taken from the trust file' }),
      privateKeyPem: operator.privateKeyPem, keyId: 'operator-1', trust,
    });
    const third = await asOwner(path, { id: 'R-1', type: 'revoke', revokes: 'G-1' }, { now: Date.UTC(2026, 10, 25, 12) });

    const ledger = readLedger(path, trust, { verify: true });
    expect(ledger.entries.map((e) => [e.entry.seq, e.entry.id, e.entry.key, e.entry.role, e.auth])).toEqual([
      [1, 'G-1', 'owner-1', 'owner', 'ok'], [2, 'G-2', 'operator-1', 'operator', 'ok'], [3, 'R-1', 'owner-1', 'owner', 'ok'],
    ]);
    expect(ledger.entries[2]!.entry.issued_at).toBe('2026-11-25T12:00:00.000Z');
    expect([first, second, third]).toEqual(ledger.entries.map((e) => ({ entry: e.entry, hash: e.hash })));
    expect(ledger.head?.hash).toBe(sha256Hex(canonicalJson(ledger.entries[2]!.entry)));

    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')[0]).toMatch(/^\{"seq":1,"id":"G-1","type":"grant","role":"owner","key":"owner-1",/);
    expect(readdirSync(dirname(path))).toEqual(['grants.jsonl']); // no lock, no temp file left
  });

  it('appends without a trust file when the role is given', async () => {
    const path = freshLedgerPath();
    await appendEntry({ ledgerPath: path, draft: grant('G-1', { role: 'owner' }), privateKeyPem: owner.privateKeyPem, keyId: 'owner-1' });
    expect(readLedger(path, trust, { verify: true }).entries[0]!.auth).toBe('ok');
  });

  it('from files: the private key and the trust are read from their paths; a missing key file is io naming it', async () => {
    const path = freshLedgerPath();
    const dir = dirname(path);
    writeFileSync(join(dir, 'owner.key'), owner.privateKeyPem);
    writeFileSync(join(dir, 'trust.json'), JSON.stringify({ keys: [{ id: 'owner-1', role: 'owner', public_key: owner.publicKeyPem }] }));
    const stored = await appendEntryFromFiles({ ledgerPath: path, draft: grant('G-1'), keyFile: join(dir, 'owner.key'), keyId: 'owner-1', trustFile: join(dir, 'trust.json') });
    // No role in the draft: it came from the trust file.
    expect([stored.entry.role, readLedger(path, trust, { verify: true }).entries[0]!.auth]).toEqual(['owner', 'ok']);
    const missing = await rejection(appendEntryFromFiles({ ledgerPath: path, draft: grant('G-2', { role: 'owner' }), keyFile: join(dir, 'none.key'), keyId: 'owner-1' }));
    expect([missing.code, missing.message.startsWith(`${join(dir, 'none.key')}: `)]).toEqual(['io', true]);
    expect(readLedger(path, trust, { verify: true }).entries).toHaveLength(1);
  });

  it('keeps the ledger file mode, and a symlinked ledger stays a symlink', async () => {
    const path = freshLedgerPath();
    await asOwner(path, grant('G-1'));
    chmodSync(path, 0o600);
    const link = join(dirname(path), 'link.jsonl');
    symlinkSync(path, link);
    await asOwner(link, grant('G-2'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readLedger(path, trust, { verify: true }).entries).toHaveLength(2);
    expect(readLedger(link, trust, { verify: true }).entries).toHaveLength(2);
  });

  describe('through links and odd files (issue 9)', () => {
    it('a dangling link (its folder not mounted yet) is refused with io naming the link and its target, and stays a link', async () => {
      const dir = dirname(freshLedgerPath());
      const link = join(dir, 'grants.jsonl');
      symlinkSync('../shared-not-mounted/grants.jsonl', link);
      const e = await rejection(asOwner(link, grant('G-1')));
      expect([e.code, e.file]).toEqual(['io', link]);
      expect(e.message).toBe(`${link}: a symbolic link to ../shared-not-mounted/grants.jsonl, which does not exist (a folder not mounted yet?); `
        + 'nothing was appended. To start a new ledger there, create the empty file first');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe('../shared-not-mounted/grants.jsonl');
      expect(readdirSync(dir)).toEqual(['grants.jsonl']);
    });

    it('a link whose directory is a link to nowhere is io naming both', async () => {
      const dir = dirname(freshLedgerPath());
      symlinkSync('/nonexistent-mount', join(dir, 'shared'));
      const e = await rejection(asOwner(join(dir, 'shared', 'grants.jsonl'), grant('G-1')));
      expect([e.code, e.message]).toEqual(['io', `${join(dir, 'shared', 'grants.jsonl')}: its directory ${join(dir, 'shared')} is a symbolic link to /nonexistent-mount, which does not exist; nothing was appended`]);
    });

    it('a valid link to an empty file is written through: the target gets the entry, the link stays', async () => {
      const dir = dirname(freshLedgerPath());
      mkdirSync(join(dir, 'shared'));
      writeFileSync(join(dir, 'shared', 'grants.jsonl'), '');
      symlinkSync('shared/grants.jsonl', join(dir, 'grants.jsonl'));
      await asOwner(join(dir, 'grants.jsonl'), grant('G-1'));
      await asOwner(join(dir, 'grants.jsonl'), grant('G-2'));
      expect(lstatSync(join(dir, 'grants.jsonl')).isSymbolicLink()).toBe(true);
      expect(readLedger(join(dir, 'shared', 'grants.jsonl'), trust, { verify: true }).entries.map((x) => x.entry.id)).toEqual(['G-1', 'G-2']);
    });

    it('a directory, a link to a directory, or a FIFO as the ledger is io, at once, and nothing is written', async () => {
      const dir = dirname(freshLedgerPath());
      mkdirSync(join(dir, 'a-dir'));
      symlinkSync('a-dir', join(dir, 'to-dir.jsonl'));
      spawnSync('mkfifo', [join(dir, 'pipe.jsonl')]);
      for (const [name, kind] of [['a-dir', 'a directory'], ['to-dir.jsonl', 'a directory'], ['pipe.jsonl', 'a FIFO (named pipe)']] as const) {
        const path = join(dir, name);
        const e = await rejection(asOwner(path, grant('G-1')));
        expect([e.code, e.message]).toEqual(['io', `${path}: ${kind}, not a ledger file; nothing was appended`]);
      }
      expect(readdirSync(dir).sort()).toEqual(['a-dir', 'pipe.jsonl', 'to-dir.jsonl']);
      expect(readdirSync(join(dir, 'a-dir'))).toEqual([]);
    });

    it('a ledger over the size limit is refused naming the path the user gave', async () => {
      const dir = dirname(freshLedgerPath());
      const real = join(dir, 'big.jsonl');
      writeFileSync(real, '');
      truncateSync(real, MAX_INPUT_BYTES + 1);
      symlinkSync('big.jsonl', join(dir, 'link.jsonl'));
      const e = await rejection(asOwner(join(dir, 'link.jsonl'), grant('G-1')));
      expect([e.code, e.message]).toEqual(['ledger-schema', `${join(dir, 'link.jsonl')}: ${MAX_INPUT_BYTES + 1} bytes is over the ${MAX_INPUT_BYTES}-byte limit for an input file`]);
    });
  });

  describe('refuses an entry that would make the ledger invalid, and changes nothing', () => {
    async function refusedOn(setup: DraftEntry[], draft: DraftEntry, more: Partial<AppendRequest> = {}): Promise<BlockgateError> {
      const path = freshLedgerPath();
      for (const d of setup) await asOwner(path, d);
      const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      const err = await rejection(asOwner(path, draft, more));
      expect(existsSync(path) ? readFileSync(path, 'utf8') : undefined).toBe(before);
      expect(readdirSync(dirname(path)).filter((f) => f !== 'grants.jsonl')).toEqual([]);
      expect(err.message).toMatch(/nothing was appended/);
      return err;
    }

    it('an empty evidence list, which would never count as evidence', async () => {
      const err = await refusedOn([grant('G-1')], grant('G-2', { evidence: [] }));
      expect(err.code).toBe('ledger-schema');
      expect(err.message).toMatch(/"evidence": \[\] \(no evidence at all\)/);
    });

    it('a duplicate id', async () => {
      const err = await refusedOn([grant('G-1'), grant('G-2')], grant('G-1'));
      expect(err.code).toBe('ledger-duplicate-id');
      expect(err.message).toMatch(/grants\.jsonl line 3: id "G-1" is already used on line 1/);
    });

    it('a dangling revoke: unknown id, or a revoke', async () => {
      const unknown = await refusedOn([grant('G-1')], { id: 'R-1', type: 'revoke', revokes: 'G-9' });
      expect(unknown.code).toBe('ledger-dangling-revoke');
      expect(unknown.message).toMatch(/line 2: revokes "G-9"/);
      const ofRevoke = await refusedOn([grant('G-1'), { id: 'R-1', type: 'revoke', revokes: 'G-1' }], { id: 'R-2', type: 'revoke', revokes: 'R-1' });
      expect(ofRevoke.code).toBe('ledger-dangling-revoke');
    });

    // The expire_at typo: src/ledger/ledger.test.ts, with every other reader of entries.
    it('a bad time', async () => {
      const time = await refusedOn([], grant('G-1', { expires_at: '2026-12-01' }));
      expect(time.code).toBe('bad-time');
    });

    it('a key that is not in the trust file', async () => {
      const err = await refusedOn([], grant('G-1', { role: 'owner' }), { keyId: 'intruder', privateKeyPem: intruder.privateKeyPem });
      expect(err.code).toBe('ledger-schema');
      expect(err.message).toMatch(/would be ignored: key "intruder" is not in the trust file trust\.json/);
    });

    it('a role other than the key\'s', async () => {
      const err = await refusedOn([], grant('G-1', { role: 'operator' }));
      expect(err.message).toMatch(/would be ignored: role "operator" differs from role "owner" of key "owner-1"/);
      // Normalised roles are the same role.
      const path = freshLedgerPath();
      await asOwner(path, grant('G-1', { role: ' OWNER ' }));
      expect(readLedger(path, trust, { verify: true }).entries[0]!.auth).toBe('ok');
    });

    it('a private key that is not the trusted key of that id', async () => {
      const err = await refusedOn([], grant('G-1'), { privateKeyPem: intruder.privateKeyPem, privateKeyFile: 'stolen.key' });
      expect(err.message).toMatch(/would be ignored: stolen\.key is not the key "owner-1" of trust\.json/);
    });

    it('envelope fields in the draft, another key id, no role and no trust, a value that is not JSON', async () => {
      for (const field of ['seq', 'prev', 'sig']) {
        expect((await refusedOn([], grant('G-1', { [field]: 1 }))).message).toMatch(`must not carry "${field}"`);
      }
      expect((await refusedOn([], grant('G-1', { key: 'operator-1' }))).message).toMatch(/names key "operator-1" but is signed with key "owner-1"/);
      expect((await refusedOn([], grant('G-1'), { trust: null })).message).toMatch(/has no role/);
      expect((await refusedOn([], grant('G-1', { note: new Date(0) }))).message).toMatch(/not JSON: \/note: a Date/);
    });

    it('any append to a ledger that is itself invalid', async () => {
      const path = freshLedgerPath();
      await asOwner(path, grant('G-1'));
      await asOwner(path, grant('G-2'));
      const damaged = readFileSync(path, 'utf8').replace('"G-1"', '"G-0"');
      writeFileSync(path, damaged);
      const err = await rejection(asOwner(path, grant('G-3')));
      expect(err.code).toBe('ledger-chain');
      expect(err.message).toMatch(/grants\.jsonl line 2: prev does not match/);
      expect(readFileSync(path, 'utf8')).toBe(damaged);
    });

    it('a private key that is not Ed25519', async () => {
      const err = await rejection(asOwner(freshLedgerPath(), grant('G-1'), { privateKeyPem: 'nope', privateKeyFile: 'owner.key' }));
      expect(err.code).toBe('usage');
      expect(err.message).toMatch(/^owner\.key: /);
    });
  });

  it('serialises 20 concurrent appends into one valid chain', async () => {
    const path = freshLedgerPath();
    const ids = Array.from({ length: 20 }, (_, i) => `G-${i + 1}`);
    const results = await Promise.all(ids.map((id, i) => appendEntry({
      ledgerPath: path, draft: grant(id), trust,
      ...(i % 2 === 0 ? { privateKeyPem: owner.privateKeyPem, keyId: 'owner-1' } : { privateKeyPem: operator.privateKeyPem, keyId: 'operator-1' }),
    })));
    const ledger = readLedger(path, trust, { verify: true });
    expect(ledger.entries.map((e) => e.entry.seq)).toEqual(ids.map((_, i) => i + 1));
    expect(ledger.entries.map((e) => e.entry.id).sort()).toEqual([...ids].sort());
    expect(ledger.entries.every((e) => e.auth === 'ok')).toBe(true);
    expect(results.map((r) => (r as { entry: { seq: number } }).entry.seq).sort((a, b) => a - b)).toEqual(ids.map((_, i) => i + 1));
    expect(readdirSync(dirname(path))).toEqual(['grants.jsonl']);
  });

  it('serialises appends from several processes into one valid chain', async () => {
    const moduleUrl = transpiledAppendModule();
    const path = freshLedgerPath();
    const keyFile = join(dirname(path), 'owner.key');
    writeFileSync(keyFile, owner.privateKeyPem);
    const child = `
      const { appendEntry } = await import(process.env.APPEND_MODULE);
      const { readFileSync } = await import('node:fs');
      const privateKeyPem = readFileSync(process.env.KEY_FILE, 'utf8');
      await Promise.all([1, 2, 3, 4].map((n) => appendEntry({
        ledgerPath: process.env.LEDGER, privateKeyPem, keyId: 'owner-1',
        draft: { id: process.env.PREFIX + n, type: 'grant', role: 'owner', issued_at: '2026-11-20T10:00:00Z',
                 action: 'apply', environment: 'production', resolves: ['B-1'] },
      })));`;
    const runs = ['P1-', 'P2-', 'P3-', 'P4-', 'P5-'].map((prefix) => new Promise<{ code: number | null; stderr: string }>((done) => {
      const proc = spawn(process.execPath, ['--input-type=module', '-e', child], {
        env: { ...process.env, APPEND_MODULE: moduleUrl, KEY_FILE: keyFile, LEDGER: path, PREFIX: prefix },
      });
      let stderr = '';
      proc.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      proc.on('close', (code) => done({ code, stderr }));
    }));
    for (const run of await Promise.all(runs)) expect(run).toEqual({ code: 0, stderr: '' });
    const ledger = readLedger(path, trust, { verify: true });
    expect(ledger.entries.map((e) => e.entry.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(ledger.entries.map((e) => e.entry.id)).size).toBe(20);
    expect(ledger.entries.every((e) => e.auth === 'ok')).toBe(true);
  });
});

describe('under the lock (src/fs/lock.ts)', () => {
  it('waits, then gives up with io naming the ledger lock and its live holder; nothing is written', async () => {
    const path = freshLedgerPath();
    const held = JSON.stringify({ pid: process.pid, host: hostname(), token: 'someone-else', since: '2026-11-25T12:00:00.000Z' });
    writeFileSync(`${path}.lock`, held);
    const started = Date.now();
    const err = await rejection(asOwner(path, grant('G-1'), { lockTimeoutMs: 300 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(err.code).toBe('io');
    expect(err.message).toMatch(new RegExp(`grants\\.jsonl\\.lock: the ledger is locked \\(held by process ${process.pid} on `));
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(held);
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock whose process is gone, and leaves neither lock nor temporary file', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const path = freshLedgerPath();
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: dead, host: hostname(), token: 'crashed', since: '2026-11-25T12:00:00.000Z' }));
    await asOwner(path, grant('G-1'), { lockTimeoutMs: 2000 });
    expect(readLedger(path, trust, { verify: true }).entries).toHaveLength(1);
    expect(readdirSync(dirname(path))).toEqual(['grants.jsonl']);
  });
});

/**
 * Child processes cannot import TypeScript, so append.ts and what it imports are transpiled
 * (types stripped, nothing else changed) into a temporary directory that sees node_modules.
 */
function transpiledAppendModule(): string {
  const src = resolve(import.meta.dirname, '..');
  const out = mkdtempSync(join(tmpdir(), 'blockgate-append-js-'));
  symlinkSync(resolve(src, '..', 'node_modules'), join(out, 'node_modules'), 'dir');
  writeFileSync(join(out, 'package.json'), '{"type": "module"}\n');
  const todo = [join(src, 'ledger', 'append.ts')];
  const done = new Set<string>();
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    const js = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const dest = join(out, relative(src, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, js);
    for (const [, spec] of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) todo.push(resolve(dirname(file), `${spec}.ts`));
  }
  return pathToFileURL(join(out, 'ledger', 'append.js')).href;
}
