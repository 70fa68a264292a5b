// A strict JSON reader: exact RFC 8259, duplicate keys refused, every value's line recorded
// (so schema errors can name the line), and `__proto__` kept as plain data.

import { BlockgateError, type ErrorCode } from '../errors.js';

export interface ParsedJson {
  value: unknown;
  /** The line (1-based, in the file) where the value at this JSON Pointer starts. */
  lineOf(pointer: string): number;
}

export interface ParseOptions {
  /** The error code to throw with: map-parse, trust-parse, ledger-schema, ... */
  code: ErrorCode;
  /** Added to every line number: a JSON Lines entry on file line 7 passes 6. */
  lineOffset?: number;
  /** Nesting deeper than this is refused rather than risking the stack. */
  maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 256;

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

// Escapes of one character, looked up per escape in a string.
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Reader {
  private pos = 0;
  private line = 1;
  readonly lines = new Map<string, number>();
  /**
   * Whether each value's line is recorded by its JSON Pointer. A text without a line break has
   * every value on its one line (a JSON Lines entry), so nothing is recorded and no pointer built.
   */
  readonly tracksLines: boolean;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly opts: Required<ParseOptions>,
  ) {
    this.tracksLines = text.includes('\n');
  }

  fail(message: string): never {
    const line = this.line + this.opts.lineOffset;
    throw new BlockgateError(this.opts.code, `${this.file} line ${line}: ${message}`, { file: this.file, line });
  }

  parseDocument(): unknown {
    if (this.text.charCodeAt(0) === 0xfeff) this.fail('starts with a byte order mark; save the file as UTF-8 without BOM');
    this.skipSpace();
    if (this.pos >= this.text.length) this.fail('is empty; expected a JSON value');
    const value = this.parseValue('', 0);
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.describe()} after the JSON value`);
    return value;
  }

  private describe(): string {
    if (this.pos >= this.text.length) return 'end of input';
    const ch = this.text[this.pos]!;
    const code = ch.charCodeAt(0);
    return code < 0x20 || code === 0x7f ? `control character U+${code.toString(16).padStart(4, '0')}` : `'${ch}'`;
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x0a) { this.line++; this.pos++; }
      else if (c === 0x20 || c === 0x09 || c === 0x0d) this.pos++;
      else return;
    }
  }

  private parseValue(pointer: string, depth: number): unknown {
    if (depth > this.opts.maxDepth) this.fail(`nesting deeper than ${this.opts.maxDepth} levels`);
    this.skipSpace();
    if (this.tracksLines) this.lines.set(pointer, this.line + this.opts.lineOffset);
    const c = this.text[this.pos];
    switch (c) {
      case '{': return this.parseObject(pointer, depth);
      case '[': return this.parseArray(pointer, depth);
      case '"': return this.parseString();
      case 't': return this.literal('true', true);
      case 'f': return this.literal('false', false);
      case 'n': return this.literal('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.parseNumber();
        return this.fail(`unexpected ${this.describe()}; expected a JSON value`);
    }
  }

  private literal<T>(word: string, value: T): T {
    if (this.text.startsWith(word, this.pos)) { this.pos += word.length; return value; }
    return this.fail(`unexpected ${this.describe()}; expected a JSON value`);
  }

  private parseNumber(): number {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) this.fail('malformed number');
    this.pos += m[0].length;
    const n = Number(m[0]);
    if (!Number.isFinite(n)) this.fail(`number ${m[0]} is out of range`);
    return n;
  }

  private parseString(): string {
    this.pos++; // opening quote
    let out = '';
    let start = this.pos;
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string');
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x22) { out += this.text.slice(start, this.pos); this.pos++; return out; }
      if (c < 0x20) this.fail(`${this.describe()} inside a string (escape it)`);
      if (c === 0x5c) {
        out += this.text.slice(start, this.pos);
        const e = this.text[this.pos + 1];
        if (e !== undefined && Object.hasOwn(SIMPLE_ESCAPES, e)) { out += SIMPLE_ESCAPES[e]; this.pos += 2; }
        else if (e === 'u') {
          const unit = this.unicodeEscape(this.pos);
          if (unit >= 0xdc00 && unit <= 0xdfff) this.loneSurrogate(unit);
          if (unit >= 0xd800 && unit <= 0xdbff) {
            // A high surrogate must be followed at once by an escaped low one.
            const low = this.text.startsWith('\\u', this.pos + 6) ? this.unicodeEscape(this.pos + 6) : -1;
            if (low < 0xdc00 || low > 0xdfff) this.loneSurrogate(unit);
            out += String.fromCharCode(unit, low);
            this.pos += 12;
          } else {
            out += String.fromCharCode(unit);
            this.pos += 6;
          }
        } else this.fail('bad escape in a string');
        start = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  /** The code unit of the `\uXXXX` escape starting at `at`. */
  private unicodeEscape(at: number): number {
    const hex = this.text.slice(at + 2, at + 6);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape in a string');
    return parseInt(hex, 16);
  }

  // A lone surrogate is not Unicode text: it has no UTF-8 form, no canonical JSON form, and the
  // policy engine cannot read it, so it is refused here with the line rather than failing later.
  private loneSurrogate(unit: number): never {
    return this.fail(`\\u${unit.toString(16).padStart(4, '0')} is a lone UTF-16 surrogate in a string: not Unicode text, so it has no canonical JSON form`);
  }

  private parseArray(pointer: string, depth: number): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') { this.pos++; return out; }
    for (;;) {
      out.push(this.parseValue(this.tracksLines ? `${pointer}/${out.length}` : '', depth + 1));
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') { this.pos++; continue; }
      if (c === ']') { this.pos++; return out; }
      this.fail(`unexpected ${this.describe()} in an array; expected ',' or ']'`);
    }
  }

  private parseObject(pointer: string, depth: number): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    this.skipSpace();
    if (this.text[this.pos] === '}') { this.pos++; return out; }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail(`unexpected ${this.describe()} in an object; expected a "key"`);
      const key = this.parseString();
      // Every key read so far is an own property of `out`, and only those are.
      if (Object.hasOwn(out, key)) this.fail(`duplicate key "${key}"`);
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail(`unexpected ${this.describe()} after key "${key}"; expected ':'`);
      this.pos++;
      const value = this.parseValue(this.tracksLines ? `${pointer}/${escapePointer(key)}` : '', depth + 1);
      // "__proto__" is defined, so that it stays an own data property and never sets a prototype;
      // no other key of a plain object has a setter, so assigning it makes the same own property.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') { this.pos++; continue; }
      if (c === '}') { this.pos++; return out; }
      this.fail(`unexpected ${this.describe()} in an object; expected ',' or '}'`);
    }
  }
}

/** Parses one JSON document; throws BlockgateError(opts.code) naming the file and line. */
export function parseJson(text: string, file: string, opts: ParseOptions): ParsedJson {
  const reader = new Reader(text, file, {
    code: opts.code,
    lineOffset: opts.lineOffset ?? 0,
    maxDepth: opts.maxDepth ?? DEFAULT_MAX_DEPTH,
  });
  const value = reader.parseDocument();
  const lines = reader.lines;
  if (!reader.tracksLines) return { value, lineOf: () => 1 + (opts.lineOffset ?? 0) };
  return {
    value,
    lineOf(pointer: string): number {
      // The nearest recorded ancestor: ajv may point at a missing property.
      for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
        const line = lines.get(p);
        if (line !== undefined) return line;
        if (p === '') return 1 + (opts.lineOffset ?? 0);
      }
    },
  };
}
