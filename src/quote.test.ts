import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { quoted } from './quote.js';

describe('quoted', () => {
  it('escapes C0, DEL and C1 controls, which JSON.stringify leaves raw from U+007F on', () => {
    expect(quoted('a\u0000b\n\u007f\u0085\u009f')).toBe('"a\\u0000b\\n\\u007f\\u0085\\u009f"');
  });

  it('escapes line separators and bidirectional overrides as the renderers do (one escape for both)', () => {
    expect(quoted('x\u2028y\u202Ez')).toBe('"x\\u2028y\\u202ez"');
  });

  it('generated: the quoted form has no control character and reads back as the same string', () => {
    const unit = fc.oneof(
      fc.constantFrom('\u0000', '\n', '\u007f', '\u0085', '"', '\\'),
      fc.integer({ min: 0, max: 0xa0 }).map((c) => String.fromCharCode(c)),
      fc.string({ unit: 'grapheme', maxLength: 1 }),
    );
    fc.assert(fc.property(fc.string({ unit }), (text) => {
      const q = quoted(text);
      expect(/\p{Cc}/u.test(q)).toBe(false);
      expect(JSON.parse(q)).toBe(text);
    }), { numRuns: 2000 });
  });
});
