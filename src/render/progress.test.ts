import { describe, expect, it } from 'vitest';
import { progressLine } from './progress.js';

describe('progress line', () => {
  it('writes nothing at all when disabled (stderr is not a terminal)', () => {
    const out: string[] = [];
    const p = progressLine({ write: (t) => out.push(t), enabled: false });
    p.update('deciding', 1, 2);
    p.update('deciding', 2, 2);
    p.end();
    expect(out).toEqual([]);
  });

  it('rewrites one line with \\r, at most every so often, always the last count, then clears it', () => {
    const out: string[] = [];
    let now = 0;
    const p = progressLine({ write: (t) => out.push(t), enabled: true, everyMs: 100, now: () => now });
    p.update('deciding', 1, 4);
    now = 50;
    p.update('deciding', 2, 4); // too soon: skipped
    now = 150;
    p.update('deciding', 3, 4);
    now = 160;
    p.update('deciding', 4, 4); // the last: always drawn
    p.end();
    expect(out).toEqual([
      '\r\x1b[Kblockgate: deciding 1/4',
      '\r\x1b[Kblockgate: deciding 3/4',
      '\r\x1b[Kblockgate: deciding 4/4',
      '\r\x1b[K',
    ]);
    p.end();
    expect(out).toHaveLength(4);
  });
});
