// `ledger init`, `import` and `export` are one interface over every store: a file behaves as a
// PostgreSQL table does (test/postgres/ledger.test.ts). And a PostgreSQL URL is never a path:
// not in blockgate.json, not in `blockgate config`'s output with its password.
import { mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { FIX7, blockgate } from '../support/cli.js';

const SOURCE = `${FIX7}/grants.jsonl`;
let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'blockgate-store-')));
});

describe('a file ledger: init, import, export', () => {
  it('init makes an empty ledger once; import fills it; export is byte for byte the source', async () => {
    const ledger = join(dir, 'grants.jsonl');
    let r = await blockgate(['ledger', 'init', '--ledger', ledger, '--format', 'json']);
    expect([r.code, r.json]).toEqual([0, { ledger, created: true }]);
    expect(readFileSync(ledger, 'utf8')).toBe('');
    r = await blockgate(['ledger', 'init', '--ledger', ledger, '--format', 'json']);
    expect([r.code, r.json]).toEqual([0, { ledger, created: false }]);
    r = await blockgate(['ledger', 'import', '--ledger', ledger, SOURCE, '--format', 'json']);
    expect([r.code, r.json]).toEqual([0, { ledger, from: SOURCE, imported: 6 }]);
    r = await blockgate(['ledger', 'export', '--ledger', ledger]);
    expect([r.code, r.stdout]).toEqual([0, readFileSync(SOURCE, 'utf8')]);
  });

  it('import reads standard input for -', async () => {
    const ledger = join(dir, 'from-stdin.jsonl');
    const r = await blockgate(['ledger', 'import', '--ledger', ledger, '-', '--format', 'json'], { input: readFileSync(SOURCE) });
    expect([r.code, r.json.imported, r.json.from]).toEqual([0, 6, '(stdin)']);
  });

  it('import refuses a ledger that holds entries (io, exit 1) and leaves it as it was', async () => {
    const ledger = join(dir, 'full.jsonl');
    writeFileSync(ledger, readFileSync(SOURCE));
    const r = await blockgate(['ledger', 'import', '--ledger', ledger, SOURCE, '--format', 'json']);
    expect([r.code, r.json.error.code]).toEqual([1, 'io']);
    expect(r.json.error.message).toBe(`${ledger}: the ledger already holds entries; import loads a ledger only into an empty one, so nothing was imported`);
    expect(readFileSync(ledger, 'utf8')).toBe(readFileSync(SOURCE, 'utf8'));
  });

  it('import refuses what is not a ledger (exit 3, the line named) and writes nothing', async () => {
    const ledger = join(dir, 'target.jsonl');
    const broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, readFileSync(SOURCE, 'utf8').replace('"seq":2', '"seq":9'));
    const r = await blockgate(['ledger', 'import', '--ledger', ledger, broken, '--format', 'json']);
    expect([r.code, r.json.error.code]).toEqual([3, 'ledger-sequence']);
    expect(r.json.error.message).toMatch(new RegExp(`^${broken} line 2: `));
    expect((await blockgate(['ledger', 'export', '--ledger', ledger])).code).toBe(3);
  });

  it('init refuses a file that is not a ledger, and export refuses a broken one (exit 3)', async () => {
    const notLedger = join(dir, 'notes.txt');
    writeFileSync(notLedger, 'hello\n');
    const r = await blockgate(['ledger', 'init', '--ledger', notLedger, '--format', 'json']);
    expect([r.code, r.json.error.code]).toEqual([3, 'ledger-schema']);
    expect(readFileSync(notLedger, 'utf8')).toBe('hello\n');
    const e = await blockgate(['ledger', 'export', '--ledger', notLedger]);
    expect(e.code).toBe(3);
    expect(e.stdout).not.toContain('hello');
  });

  it('init does not follow a link to nowhere', async () => {
    const link = join(dir, 'dangling.jsonl');
    symlinkSync(join(dir, 'not-mounted', 'grants.jsonl'), link);
    const r = await blockgate(['ledger', 'init', '--ledger', link, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('io');
  });
});

describe('a PostgreSQL URL is a URL, never a path', () => {
  const URL = 'postgresql://ledger:pw-31337@127.0.0.1:1/blockgate?table=grants';

  it('blockgate.json keeps it as written; `config` shows it without the password', async () => {
    writeFileSync(join(dir, 'blockgate.json'), JSON.stringify({ ledger: URL }));
    const r = await blockgate(['config', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.json.settings.ledger.value).toBe('postgresql://ledger@127.0.0.1:1/blockgate?table=grants');
    expect(r.stdout).not.toContain('pw-31337');
    const text = await blockgate(['config'], { cwd: dir });
    expect(text.stdout).toContain('postgresql://ledger@127.0.0.1:1/blockgate?table=grants');
    expect(text.stdout).not.toContain('pw-31337');
  });

  it('a malformed URL or table is usage (exit 1) on every ledger command, without the password', async () => {
    for (const bad of ['postgresql://ledger:pw-31337@127.0.0.1:1/blockgate?table=a;b', 'postgresql://ledger:pw-31337@127.0.0.1:1/?table=g']) {
      for (const args of [['ledger', 'init'], ['ledger', 'head'], ['check', '--action', 'apply', '--env', 'staging', '--blockers', `${FIX7}/production-readiness-blocker-map.json`]]) {
        const r = await blockgate([...args, '--ledger', bad, '--format', 'json']);
        expect([r.code, r.json?.error?.code], `${args.join(' ')} ${bad}`).toEqual([1, 'usage']);
        expect(r.stdout + r.stderr).not.toContain('pw-31337');
      }
    }
  });
});
