// Issue 12's small flags: -v is --version, check --quiet prints only the verdict line,
// validate --strict fails (exit 3, SPEC 3 "problems") on warnings.
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockgate } from '../support/cli.js';

let dir: string;
let clean: string;
let warned: string;
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'blockgate-flags-')));
  clean = join(dir, 'clean.json');
  writeFileSync(clean, JSON.stringify({ blockers: [{ id: 'B1', actor_needed: 'owner', blocks: ['production'] }] }));
  // A tag no catalog action or environment carries: lint warnings, no error.
  warned = join(dir, 'warned.json');
  writeFileSync(warned, JSON.stringify({ blockers: [{ id: 'B2', actor_needed: 'owner', blocks: ['nowhere'] }] }));
});

describe('-v', () => {
  it('is --version', async () => {
    const long = await blockgate(['--version']);
    const short = await blockgate(['-v']);
    expect(long.code).toBe(0);
    expect(short).toEqual(long);
  });
});

describe('check --quiet', () => {
  it('prints only the verdict line; the exit code is unchanged', async () => {
    const r = await blockgate(['check', '--blockers', clean, '--action', 'apply', '--env', 'staging', '--quiet', '--at', '2026-11-25T12:00:00Z']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ALLOWED  apply in staging at 2026-11-25T12:00:00.000Z\n');
  });

  it('is text only, and not with --explain-plan: usage, exit 1', async () => {
    let r = await blockgate(['check', '--blockers', clean, '--action', 'apply', '--env', 'staging', '--quiet', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.json.error.message).toBe('--quiet prints the text verdict line; it does not go with --format json');
    r = await blockgate(['check', '--blockers', clean, '--action', 'apply', '--env', 'staging', '--quiet', '--explain-plan']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('error usage: --quiet prints only the verdict line; it does not go with --explain-plan');
  });
});

describe('validate --strict', () => {
  it('warnings alone: exit 0 without --strict, 3 with it (the report says not valid)', async () => {
    const lax = await blockgate(['validate', '--blockers', warned, '--format', 'json']);
    expect([lax.code, lax.json.valid]).toEqual([0, true]);
    expect(lax.json.problems.some((p: { severity: string }) => p.severity === 'warning')).toBe(true);
    const strict = await blockgate(['validate', '--blockers', warned, '--format', 'json', '--strict']);
    expect([strict.code, strict.json.valid]).toEqual([3, false]);
    expect(strict.json.problems).toEqual(lax.json.problems);
  });

  it('a clean input stays clean under --strict', async () => {
    const r = await blockgate(['validate', '--blockers', clean, '--strict']);
    expect(r.code).toBe(0);
  });
});
