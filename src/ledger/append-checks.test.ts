import { describe, expect, it } from 'vitest';
import { thrown } from '../../test/support/thrown.js';
import { closestName, didYouMean } from '../schema/closest-name.js';
import { DEFAULT_MAX_SKEW_MS, formatDuration, parseDuration } from './append-checks.js';

describe('--max-skew durations', () => {
  it('a whole number and a unit', () => {
    expect([parseDuration('0s'), parseDuration('250ms'), parseDuration('30s'), parseDuration('5m'), parseDuration('2h'), parseDuration('1d')])
      .toEqual([0, 250, 30_000, 300_000, 7_200_000, 86_400_000]);
    expect(DEFAULT_MAX_SKEW_MS).toBe(parseDuration('5m'));
  });

  it('anything else is usage, naming the flag and an example', () => {
    for (const bad of ['', '5', 'm', '5 m', '1.5h', '-5m', '1w', '5M', '5mm', '9999999999s']) {
      const e = thrown(() => parseDuration(bad));
      expect([e.code, e.message]).toEqual(['usage', `--max-skew "${bad}": expected a whole number and a unit (ms, s, m, h or d), e.g. 5m`]);
    }
  });

  it('reads back in the largest unit that divides it', () => {
    expect([300_000, 3_600_000, 90_000, 86_400_000 * 3, 1500, 61_500, 999, 1_063_969_087, 3_600_000 + 1].map(formatDuration))
      .toEqual(['5m', '1h', '90s', '3d', '2s', '1m2s', '999ms', '12d7h', '1h']);
  });
});

describe('did you mean', () => {
  it('the closest known name within two edits, case aside; none for a short or distant name', () => {
    expect(closestName('aply', ['apply', 'cutover'])).toBe('apply');
    expect(closestName('PRODUCTION', ['production'])).toBe('production');
    expect(closestName('FIX7-P0-PROD-OPT4-2', ['FIX7-P0-PROD-OPT4-1', 'FIX7-P0-PLAN-REALRUN-1'])).toBe('FIX7-P0-PROD-OPT4-1');
    expect(closestName('x', ['y'])).toBeUndefined();
    expect(closestName('deploy', ['apply', 'cutover'])).toBeUndefined();
    expect(closestName('ab', ['ac', 'ab-'])).toBe('ab-');
    expect(didYouMean('aply', ['apply'])).toBe(' (did you mean "apply"?)');
    expect(didYouMean('zzz', ['apply'])).toBe('');
  });
});
