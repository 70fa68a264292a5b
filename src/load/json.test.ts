import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockgateError } from '../errors.js';
import { escapePointer, parseJson, type ParseOptions } from './json.js';

const FILE = 'map.json';
const parse = (text: string, opts: Partial<ParseOptions> = {}) => parseJson(text, FILE, { code: 'map-parse', ...opts });

function failure(text: string, opts: Partial<ParseOptions> = {}): BlockgateError {
  try {
    parse(text, opts);
  } catch (e) {
    if (e instanceof BlockgateError) return e;
    throw e;
  }
  throw new Error(`accepted: ${JSON.stringify(text)}`);
}

/** Asserts the error code, line, and that the message starts with "file line N: ". */
function expectFailure(text: string, line: number, message: RegExp, opts: Partial<ParseOptions> = {}): void {
  const e = failure(text, opts);
  expect(e.code).toBe(opts.code ?? 'map-parse');
  expect(e.file).toBe(FILE);
  expect(e.line).toBe(line);
  expect(e.message.startsWith(`${FILE} line ${line}: `), e.message).toBe(true);
  expect(e.message).toMatch(message);
  expect(e.problems).toEqual([{ code: e.code, message: e.message, file: FILE, line }]);
}

describe('parseJson: values', () => {
  it.each([
    ['{}', {}],
    ['[]', []],
    ['"x"', 'x'],
    ['0', 0],
    ['-0.5e+2', -50],
    ['1E3', 1000],
    ['true', true],
    ['false', false],
    ['null', null],
    [' \t\r\n {"a" : [1, {"b": null}] } \n', { a: [1, { b: null }] }],
    ['"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\/\b\f\n\r\t'],
    ['"\\u00e9\\u20AC"', 'é€'],
    ['"\\ud83d\\ude00"', '😀'],
    ['"😀 raw"', '😀 raw'],
    ['"\u007f"', '\u007f'],
  ])('%s', (text, value) => {
    expect(parse(text).value).toEqual(value);
  });

  it('agrees with JSON.parse on a realistic document', () => {
    const doc = { doc: 'x', blockers: [{ id: 'B-1', actor_needed: ['owner', 'operator'], blocks: 'a/b', evidence_required: true, n: -1.25e-3 }], resolved_in_this_macro: [] };
    expect(parse(JSON.stringify(doc, null, 2)).value).toEqual(doc);
  });
});

describe('parseJson: strictness', () => {
  it('refuses a duplicate key, naming it and its line', () => {
    expectFailure('{\n  "a": 1,\n  "b": 2,\n  "a": 3\n}', 4, /duplicate key "a"/);
  });

  it('a duplicate key spelled differently (an escape) is still a duplicate', () => {
    expectFailure('{"ab": 1, "\\u0061b": 2}', 1, /duplicate key "ab"/);
  });

  it('the same key in sibling objects is fine', () => {
    expect(parse('[{"a": 1}, {"a": 2}]').value).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('refuses a byte order mark', () => {
    expectFailure('\ufeff{}', 1, /byte order mark/);
  });

  it.each([
    ['trailing comma in an object', '{\n"a": 1,\n}', 3],
    ['trailing comma in an array', '[1,\n]', 2],
    ['single quotes', "{'a': 1}", 1],
    ['a comment', '{\n// note\n"a": 1}', 2],
    ['an unquoted key', '{a: 1}', 1],
    ['NaN', '[NaN]', 1],
    ['Infinity', '[Infinity]', 1],
    ['a leading zero', '[01]', 1],
    ['a leading plus', '[+1]', 1],
    ['a bare decimal point', '[1.]', 1],
    ['a hex number', '[0x10]', 1],
    ['an out-of-range number', '[1e400]', 1],
    ['two documents', '{}\n{}', 2],
    ['an empty text', '', 1],
    ['only white space', '\n\n  ', 3],
    ['a raw newline in a string', '"a\nb"', 1],
    ['a raw tab in a string', '"a\tb"', 1],
    ['a bad escape', '"\\x41"', 1],
    ['a short \\u escape', '"\\u12"', 1],
    ['an unterminated string', '{"a": "b', 1],
    ['a missing colon', '{"a" 1}', 1],
    ['tru', '[tru]', 1],
    ['a vertical tab as white space', '[1,\u000b2]', 1],
    ['a non-breaking space as white space', '[1,\u00a02]', 1],
  ])('refuses %s', (_, text, line) => {
    expectFailure(text, line, /./);
  });

  it.each([
    ['a lone high surrogate', '"\\ud800"'],
    ['a lone low surrogate', '"\\udc00"'],
    ['a high surrogate followed by a non-surrogate escape', '"\\ud800\\u0041"'],
    ['a high surrogate followed by a raw character', '"\\ud800x"'],
    ['two high surrogates', '"\\ud800\\ud800"'],
    ['a lone surrogate in a key', '{"\\udfff": 1}'],
  ])('refuses %s: not Unicode text, no canonical form', (_, text) => {
    expectFailure(`[\n${text}]`, 2, /lone UTF-16 surrogate/);
  });

  it('__proto__ stays plain data and never sets a prototype', () => {
    const { value } = parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}');
    const obj = value as Record<string, unknown>;
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(Object.keys(obj)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(obj, '__proto__')?.value).toEqual({ polluted: true });
    expect((obj as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(obj)).toBe('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}');
  });

  it('a duplicate __proto__ is refused like any other key', () => {
    expectFailure('{"__proto__": 1, "__proto__": 2}', 1, /duplicate key "__proto__"/);
  });

  describe('depth limit', () => {
    const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

    it('accepts nesting up to the limit and refuses one level more', () => {
      expect(() => parse(nested(5), { maxDepth: 4 })).not.toThrow();
      expectFailure(nested(6), 1, /nesting deeper than 4 levels/, { maxDepth: 4 });
    });

    it('objects count as levels too', () => {
      expect(() => parse('{"a":{"b":{"c":1}}}', { maxDepth: 3 })).not.toThrow();
      expectFailure('{"a":{"b":{"c":{"d":1}}}}', 1, /nesting/, { maxDepth: 3 });
    });

    it('the default limit refuses a hostile document without overflowing the stack', () => {
      expectFailure(nested(100_000), 1, /nesting deeper than 256 levels/);
      expect(() => parse(nested(250))).not.toThrow();
    });
  });
});

describe('parseJson: line numbers', () => {
  it('an error names the line where it is found', () => {
    expectFailure('{\n  "blockers": [\n    {"id": "B-1",}\n  ]\n}', 3, /expected a "key"/);
  });

  it('an error at the end of the text names the last line', () => {
    expectFailure('{\n  "blockers": [\n', 3, /end of input/);
  });

  it('lineOffset shifts every line: a JSON Lines entry on file line 7', () => {
    expectFailure('{"a": 1,, "b": 2}', 7, /./, { lineOffset: 6, code: 'ledger-schema' });
    expect(parse('{"a":\n 1}', { lineOffset: 6 }).lineOf('/a')).toBe(8);
  });

  it('CR LF line ends count once per line', () => {
    expectFailure('{\r\n"a": 1,\r\n"a": 2}', 3, /duplicate/);
  });

  it('lineOf gives the line where each value starts', () => {
    const text = [
      '{',                                   // 1
      '  "doc": "x",',                       // 2
      '  "blockers": [',                     // 3
      '    {',                               // 4
      '      "id": "B-1",',                  // 5
      '      "actor_needed": [',             // 6
      '        "owner",',                    // 7
      '        "operator"',                  // 8
      '      ]',                             // 9
      '    },',                              // 10
      '    {"id": "B-2", "blocks":',         // 11
      '       "apply"}',                     // 12
      '  ],',                                // 13
      '  "a/b": {"~t": 1}',                  // 14
      '}',                                   // 15
    ].join('\n');
    const doc = parse(text);
    expect(doc.lineOf('')).toBe(1);
    expect(doc.lineOf('/doc')).toBe(2);
    expect(doc.lineOf('/blockers')).toBe(3);
    expect(doc.lineOf('/blockers/0')).toBe(4);
    expect(doc.lineOf('/blockers/0/id')).toBe(5);
    expect(doc.lineOf('/blockers/0/actor_needed')).toBe(6);
    expect(doc.lineOf('/blockers/0/actor_needed/1')).toBe(8);
    expect(doc.lineOf('/blockers/1')).toBe(11);
    // A value starts where its first character is, not where its key is.
    expect(doc.lineOf('/blockers/1/blocks')).toBe(12);
    // Keys with '/' and '~' are escaped in pointers (RFC 6901).
    expect(doc.lineOf(`/${escapePointer('a/b')}`)).toBe(14);
    expect(doc.lineOf(`/${escapePointer('a/b')}/${escapePointer('~t')}`)).toBe(14);
  });

  it('lineOf a missing member falls back to its nearest ancestor (ajv points at missing fields)', () => {
    const doc = parse('{\n  "blockers": [\n    {\n      "id": "B-1"\n    }\n  ]\n}');
    expect(doc.lineOf('/blockers/0/actor_needed')).toBe(3);
    expect(doc.lineOf('/blockers/7/id')).toBe(2);
    expect(doc.lineOf('/nothing/here')).toBe(1);
  });

  it('lineOf with an offset and no recorded ancestor', () => {
    expect(parse('{}', { lineOffset: 4 }).lineOf('/missing')).toBe(5);
  });

  it('escapePointer', () => {
    expect(escapePointer('a/b~c')).toBe('a~1b~0c');
    expect(escapePointer('~1')).toBe('~01');
  });
});

describe('parseJson over generated documents', () => {
  // Keys that a plain object treats specially, beside ordinary ones.
  const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '0', '10', 'a/b', '~0'));
  // Objects as Maps, so that "__proto__" is a member like any other.
  const doc = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.string({ unit: 'grapheme', maxLength: 8 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
      fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }),
      fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 5, selector: ([k]) => k }).map((members) => new Map(members))),
  })).value;
  /** The document's JSON text, on one line or indented over many. */
  const text = (v: unknown, indent: boolean, depth = 0): string => {
    const pad = indent ? `\n${'  '.repeat(depth + 1)}` : '';
    const end = indent ? `\n${'  '.repeat(depth)}` : '';
    if (Array.isArray(v)) return `[${v.map((x) => pad + text(x, indent, depth + 1)).join(',')}${v.length > 0 ? end : ''}]`;
    if (v instanceof Map) return `{${[...v].map(([k, x]) => `${pad}${JSON.stringify(k)}: ${text(x, indent, depth + 1)}`).join(',')}${v.size > 0 ? end : ''}}`;
    return JSON.stringify(v);
  };
  /** What a document means: each object as its own members sorted by key (an object's key order is JavaScript's, not the text's). */
  const meaning = (v: unknown): unknown => {
    const members = (m: [string, unknown][]) => m.map(([k, x]): [string, unknown] => [k, meaning(x)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (v instanceof Map) return members([...v]);
    if (Array.isArray(v)) return v.map(meaning);
    if (v !== null && typeof v === 'object') {
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      return members(Object.entries(v));
    }
    return v;
  };

  it('reads every document, on one line or on many, as written; lines of a one-line text are all its line', () => {
    fc.assert(fc.property(doc, fc.boolean(), fc.nat(20), fc.array(key, { maxLength: 4 }), (v, indent, offset, path) => {
      const source = text(v, indent);
      const parsed = parse(source, { lineOffset: offset });
      expect(meaning(parsed.value)).toEqual(meaning(v));
      if (!source.includes('\n')) expect(parsed.lineOf(path.map((p) => `/${escapePointer(p)}`).join(''))).toBe(1 + offset);
    }), { numRuns: 1500 });
  });

  it('refuses a repeated key in any object, "__proto__" too, on one line or on many', () => {
    fc.assert(fc.property(key, doc, doc, fc.boolean(), (k, a, b, indent) => {
      const source = text(new Map([['x', new Map([[k, a]])]]), indent).replace(/\}\s*\}$/, () => `, ${JSON.stringify(k)}: ${text(b, false)}}}`);
      expect(failure(source).message).toMatch(/duplicate key/);
    }), { numRuns: 500 });
  });
});
