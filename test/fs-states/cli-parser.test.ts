// `--flag -` with `-` as its own argument (SPEC 1.1 `--blockers -`): yargs alone does not take a
// lone `-` as a flag's value ("Unknown argument: -"); src/cli/argv.ts hands it on as `--flag=-`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blockgate, SEED } from '../support/cli.js';

const seed = readFileSync(SEED, 'utf8');
const REQUEST = ['--action', 'apply', '--env', 'production', '--at', '2026-11-25T12:00:00Z', '--format', 'json'];

describe('a lone - as a value', () => {
  it('check --blockers - reads the map from standard input', async () => {
    const r = await blockgate(['check', '--blockers', '-', ...REQUEST], { input: seed });
    expect(r.code, r.stdout).toBe(2);
    expect(r.json.denials[0].source).toBe('(stdin)');
  });

  it('--blockers - --blockers - is usage about standard input, not an unknown argument', async () => {
    const r = await blockgate(['check', '--blockers', '-', '--blockers', '-', ...REQUEST], { input: seed });
    expect([r.code, r.json.error.message]).toEqual([1, "standard input can be read only once, but '-' was given 2 times for --blockers"]);
  });

  it('replay - is refused as standard input, naming it', async () => {
    const r = await blockgate(['replay', '-', '--blockers', SEED, '--format', 'json']);
    // yargs hands a positional lone `-` on as '', which replay refuses as standard input.
    expect([r.code, r.json.error.code, r.json.error.message]).toEqual([1, 'usage', 'replay needs the decision log as a file (standard input is not read)']);
  });

  it('ledger head --ledger - reads the ledger from standard input', async () => {
    const r = await blockgate(['ledger', 'head', '--ledger', '-', '--format', 'json'], { input: '' });
    expect([r.code, r.json.seq]).toEqual([0, 0]);
  });
});
