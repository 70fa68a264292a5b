import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../load/json.js';
import { canonicalJson, sha256Hex } from './canonical.js';

describe('canonicalJson', () => {
  it('gives the RFC 8785 form of the specification example', () => {
    // RFC 8785 section 3.2.2 input and its canonical output.
    const input = '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],'
      + '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}';
    const expected = '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
      + '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
    expect(canonicalJson(parseJson(input, 'rfc8785', { code: 'internal' }).value)).toBe(expected);
  });

  it('sorts keys by UTF-16 code units, at every depth', () => {
    // '\u20ac' (U+20AC) sorts before '\ud83d\ude00' (surrogate pair), which sorts before '\ufb33'.
    const value = { '\ufb33': 1, '\ud83d\ude00': 2, '\u20ac': 3, b: { z: 1, a: [{ y: 1, x: 2 }] }, a: null };
    expect(canonicalJson(value)).toBe('{"a":null,"b":{"a":[{"x":2,"y":1}],"z":1},"€":3,"😀":2,"דּ":1}');
  });

  it('writes numbers as ECMAScript does', () => {
    expect(canonicalJson([1.0, -0, 1e21, 1e-7, 0.1, 123456789012345680000])).toBe('[1,0,1e+21,1e-7,0.1,123456789012345680000]');
  });

  it('keeps "__proto__" as an ordinary key', () => {
    const { value } = parseJson('{"__proto__":{"x":1},"a":2}', 't', { code: 'internal' });
    expect(canonicalJson(value)).toBe('{"__proto__":{"x":1},"a":2}');
  });

  it.each([
    ['undefined', undefined],
    ['a member that is undefined', { a: undefined }],
    ['a function', { f: () => 1 }],
    ['a symbol', [Symbol('s')]],
    ['a bigint', { n: 1n }],
    ['NaN', { n: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['a Date', { at: new Date(0) }],
    ['a Map', new Map()],
    ['a class instance', new (class Grant { id = 'G-1'; })()],
    ['a lone surrogate in a value', { note: 'a\ud800b' }],
    ['a lone surrogate in a key', { ['\udc00']: 1 }],
    ['an array hole', [1, , 3]], // eslint-disable-line no-sparse-arrays
  ])('refuses %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('refuses a circular value, naming where', () => {
    const loop: Record<string, unknown> = { a: {} };
    (loop.a as Record<string, unknown>).back = loop;
    expect(() => canonicalJson(loop)).toThrow('/a/back: circular reference');
  });

  it('accepts the same object twice when it is not circular', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});

describe('sha256Hex', () => {
  it('hashes text as UTF-8, and bytes as they are', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(Buffer.from('abc'))).toBe(sha256Hex('abc'));
    expect(sha256Hex('€')).toBe(sha256Hex(Buffer.from([0xe2, 0x82, 0xac])));
  });
});

describe('canonicalJson over generated values', () => {
  // Keys and strings across the code-unit order that sorting must get right: ASCII, Latin-1,
  // the BMP above the surrogates, astral characters (surrogate pairs), and "__proto__".
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }).filter((s) => !/\p{Cs}/u.test(s)), fc.constantFrom('', '__proto__', 'a', 'A', '\u00e9', '\uffff', '\u{1f600}', '\u{10ffff}', '"\\\n\u0000'));
  const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constantFrom(0, -0, 1e21, 1e-7, 5e-324, 2 ** 53 + 1, 0.1 + 0.2));
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, text, number, fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 4 }),
      fc.uniqueArray(fc.tuple(text, tie('v')), { maxLength: 5, selector: ([k]) => k }).map((members) => {
        const o: Record<string, unknown> = {};
        for (const [k, v] of members) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
        return o;
      })),
  })).v;

  it('writes every plain JSON value exactly as the canonicalize package does', () => {
    fc.assert(fc.property(value, (v) => {
      expect(canonicalJson(v)).toBe(canonicalize(v));
    }), { numRuns: 5000 });
  });
});
