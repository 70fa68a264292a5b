// `what-if --add -` (issue 12): the --add file is read in src/gate.ts (whatIf), not H3's; it
// must read '-' through readInput(options.add, 'ledger-schema', this gate's stdin).
import { describe, expect, it } from 'vitest';
import { blockgate, SEED } from '../support/cli.js';


describe('--add=- (what-if)', () => {
  it('reads the hypothetical entries from standard input', async () => {
    const add = `${JSON.stringify({ id: 'H-1', type: 'grant', role: 'owner', issued_at: '2026-11-20T10:00:00Z', action: 'apply', environment: 'production', resolves: ['FIX7-P0-PLAN-SEPARATE-AUTH-1'] })}\n`;
    const r = await blockgate(['what-if', `--blockers=${SEED}`, '--add=-', '--at', '2026-11-25T12:00:00Z', '--format', 'json'], { input: add });
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.before).toBeDefined();
  });

  it('a broken line names (stdin) and the line', async () => {
    const r = await blockgate(['what-if', `--blockers=${SEED}`, '--add=-', '--format', 'json'], { input: '{"id": "H-1"}\n{\n' });
    expect([r.code, r.json.error.code]).toEqual([3, 'ledger-schema']);
    expect(r.json.error.message).toMatch(/^\(stdin\) line \d+: /);
  });
});

