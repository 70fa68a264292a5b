import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejection } from '../../test/support/thrown.js';
import { generateKeyFiles } from './keygen.js';
import { loadPrivateKey, loadTrust, publicKeyPemOf } from './keys.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'blockgate-keygen-'));


describe('generateKeyFiles', () => {
  it('writes the private key (0600) and the public key (0644), and adds it to a new trust file', async () => {
    const dir = freshDir();
    const out = join(dir, 'keys', 'owner-1.key');
    const trust = join(dir, 'trust.json');
    const made = await generateKeyFiles({ id: 'owner-1', role: 'owner', out, trust });
    expect(made).toEqual({ key_id: 'owner-1', role: 'owner', private_key: out, public_key: `${out}.pub`, trust });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(statSync(`${out}.pub`).mode & 0o777).toBe(0o644);
    const pem = readFileSync(`${out}.pub`, 'utf8');
    expect(publicKeyPemOf(loadPrivateKey(readFileSync(out, 'utf8'), out))).toBe(pem);
    expect(JSON.parse(readFileSync(trust, 'utf8'))).toEqual({ keys: [{ id: 'owner-1', role: 'owner', public_key: pem }] });
    expect(readdirSync(dir).sort()).toEqual(['keys', 'trust.json']);
  });

  it('adds to an existing trust file, keeping its keys; without one, it writes the key files only', async () => {
    const dir = freshDir();
    const trust = join(dir, 'trust.json');
    await generateKeyFiles({ id: 'owner-1', role: 'owner', out: join(dir, 'owner.key'), trust });
    const made = await generateKeyFiles({ id: 'operator-1', role: 'operator', out: join(dir, 'operator.key'), trust });
    expect([...loadTrust(trust).keys.keys()]).toEqual(['owner-1', 'operator-1']);
    expect(made.trust).toBe(trust);
    expect((await generateKeyFiles({ id: 'x', role: 'owner', out: join(dir, 'x.key') })).trust).toBeNull();
  });

  it('refuses, before any key file is made: an id the trust file has, a key file that exists, an empty id or role', async () => {
    const dir = freshDir();
    const trust = join(dir, 'trust.json');
    await generateKeyFiles({ id: 'owner-1', role: 'owner', out: join(dir, 'owner.key'), trust });
    const before = readFileSync(trust, 'utf8');

    const duplicate = await rejection(generateKeyFiles({ id: 'owner-1', role: 'owner', out: join(dir, 'again.key'), trust }));
    expect([duplicate.code, duplicate.message]).toEqual(['trust-schema', `${trust}: already has a key with id owner-1`]);
    expect(existsSync(join(dir, 'again.key'))).toBe(false);

    writeFileSync(join(dir, 'taken.key.pub'), 'x');
    const taken = await rejection(generateKeyFiles({ id: 'new-1', role: 'owner', out: join(dir, 'taken.key'), trust }));
    expect([taken.code, taken.message]).toEqual(['io', `${join(dir, 'taken.key.pub')}: already exists; refusing to overwrite a key`]);
    expect(existsSync(join(dir, 'taken.key'))).toBe(false);

    for (const [id, role] of [[' ', 'owner'], ['new-1', '']]) {
      const empty = await rejection(generateKeyFiles({ id: id!, role: role!, out: join(dir, 'empty.key'), trust }));
      expect([empty.code, empty.message]).toEqual(['usage', '--id and --role must not be empty']);
    }
    expect(existsSync(join(dir, 'empty.key'))).toBe(false);
    expect(readFileSync(trust, 'utf8')).toBe(before);
  });
});
