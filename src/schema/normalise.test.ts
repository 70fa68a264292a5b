import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compatibilityForm, normaliseRolePart, normaliseTag, normaliseTags, parseActors, sortedDistinct } from './normalise.js';

describe('tags (SPEC 1.2)', () => {
  it.each([
    // SPEC's examples.
    ['REAL_RUN', ['real-run']],
    ['cutover/apply/permit/activation/repoint', ['activation', 'apply', 'cutover', 'permit', 'repoint']],
    // Split on `/` and `,`; trim, lower-case, `_` → `-`, white space runs → `-`.
    ['production', ['production']],
    ['production-ci', ['production-ci']],
    ['Apply, Cutover', ['apply', 'cutover']],
    ['  real   run  ', ['real-run']],
    ['real\trun\nnow', ['real-run-now']],
    ['CI_Enforcement / Production', ['ci-enforcement', 'production']],
    ['a//b,,c, ,/', ['a', 'b', 'c']],
    ['apply/APPLY/apply ', ['apply']],
    ['', []],
    [' / , ', []],
    ['Ünïcode Tag', ['ünïcode-tag']],
  ])('%j → %j', (blocks, tags) => {
    expect(normaliseTags(blocks)).toEqual(tags);
  });

  it('an array gives one tag per element, not split on / or ,', () => {
    expect(normaliseTags(['REAL_RUN', 'a/b', 'c, d', '  ', 'Real Run'])).toEqual(['a/b', 'c,-d', 'real-run']);
  });

  it('an empty array gives no tag', () => {
    expect(normaliseTags([])).toEqual([]);
  });

  it('normaliseTag: `_` becomes `-` before white space is collapsed', () => {
    expect(normaliseTag(' A_B  c ')).toBe('a-b-c');
    expect(normaliseTag('x _ y')).toBe('x---y');
  });
});

describe('roles (SPEC 1.2)', () => {
  it.each([
    // SPEC's examples.
    ['owner + operator (scope …)', ['operator', 'owner'], 'all'],
    ['operator (+ separate production authorization)', ['operator'], 'all'],
    ['owner or operator', ['operator', 'owner'], 'any'],
    // The seed map's own phrasings.
    ['owner + operator (scope the exact production surface; not invented)', ['operator', 'owner'], 'all'],
    ['owner + operator', ['operator', 'owner'], 'all'],
    ['operator', ['operator'], 'all'],
    ['owner', ['owner'], 'all'],
    // Every all-separator.
    ['owner, operator', ['operator', 'owner'], 'all'],
    ['owner & operator', ['operator', 'owner'], 'all'],
    ['owner and operator', ['operator', 'owner'], 'all'],
    ['Owner AND Operator', ['operator', 'owner'], 'all'],
    ['owner+operator,auditor&release manager', ['auditor', 'operator', 'owner', 'release manager'], 'all'],
    // Every any-separator.
    ['owner | operator', ['operator', 'owner'], 'any'],
    ['owner|operator', ['operator', 'owner'], 'any'],
    ['Owner OR Operator', ['operator', 'owner'], 'any'],
    ['owner or operator | auditor', ['auditor', 'operator', 'owner'], 'any'],
    // Parts are trimmed, lower-cased, inner white space collapsed to one space.
    ['  Release   Manager  +  OWNER ', ['owner', 'release manager'], 'all'],
    ['Release\tManager', ['release manager'], 'all'],
    // Duplicates collapse.
    ['owner + Owner', ['owner'], 'all'],
  ])('%j → %s of %j', (actor, roles, mode) => {
    expect(parseActors(actor)).toEqual({ roles, mode });
  });

  describe('`and` and `or` are words, not letters inside words', () => {
    it.each([
      ['operator', ['operator']],
      ['coordinator', ['coordinator']],
      ['orchestrator', ['orchestrator']],
      ['sandra', ['sandra']],
      ['android team', ['android team']],
      ['band', ['band']],
      ['operator-or-owner', ['operator-or-owner']],
      ['ops_and_dev', ['ops_and_dev']],
      ['v1.or.v2', ['v1.or.v2']],
    ])('%j is one role', (actor, roles) => {
      expect(parseActors(actor)).toEqual({ roles, mode: 'all' });
    });

    it('"operator or coordinator" splits only at the word', () => {
      expect(parseActors('operator or coordinator')).toEqual({ roles: ['coordinator', 'operator'], mode: 'any' });
    });

    it('"sandra and andrew" splits only at the word', () => {
      expect(parseActors('sandra and andrew')).toEqual({ roles: ['andrew', 'sandra'], mode: 'all' });
    });

    it('punctuation is not part of a word: "/or/" is the word or', () => {
      expect(parseActors('owner/or/operator')).toEqual({ roles: ['/operator', 'owner/'], mode: 'any' });
      expect(parseActors('owner;and;operator')).toEqual({ roles: [';operator', 'owner;'], mode: 'all' });
    });
  });

  describe('parentheses are removed first', () => {
    it.each([
      ['owner (and operator)', ['owner'], 'all'],
      ['owner (or operator)', ['owner'], 'all'],
      ['owner (a (nested, b) c) + operator', ['operator', 'owner'], 'all'],
      ['(first) owner (second) | (third) operator (fourth)', ['operator', 'owner'], 'any'],
      ['owner(no space)+operator', ['operator', 'owner'], 'all'],
    ])('%j → %s of %j', (actor, roles, mode) => {
      expect(parseActors(actor)).toEqual({ roles, mode });
    });

    it('only a parenthesised part: no role is left (no-role)', () => {
      expect(parseActors('(to be decided)')).toEqual({ roles: [], mode: 'all', problem: 'no-role' });
    });

    it('an unclosed group is kept as written: a role no key holds, so it fails closed', () => {
      expect(parseActors('owner (scope')).toEqual({ roles: ['owner (scope'], mode: 'all' });
      expect(parseActors('operator + owner (scope, later')).toEqual({ roles: ['later', 'operator', 'owner (scope'], mode: 'all' });
    });

    it('an unopened ")" is kept as written', () => {
      expect(parseActors('owner) + operator')).toEqual({ roles: ['operator', 'owner)'], mode: 'all' });
    });

    it('a closed group before an unclosed one is removed', () => {
      expect(parseActors('owner (x) (y')).toEqual({ roles: ['owner (y'], mode: 'all' });
    });
  });

  describe('both kinds of separator at once: ambiguous-actor', () => {
    it.each([
      ['owner + operator or auditor'],
      ['owner and operator | auditor'],
      ['owner, operator or auditor'],
      ['owner & operator|auditor'],
      ['owner or operator and auditor'],
    ])('%j', (actor) => {
      expect(parseActors(actor)).toEqual({ roles: [], mode: 'all', problem: 'ambiguous-actor' });
    });

    it('a separator hidden in parentheses does not make it ambiguous', () => {
      expect(parseActors('owner or operator (+ auditor)')).toEqual({ roles: ['operator', 'owner'], mode: 'any' });
    });
  });

  describe('no role left: no-role', () => {
    it.each([[''], ['   '], ['+'], [' and '], ['or'], ['|'], ['( )'], [', ,']])('%j', (actor) => {
      expect(parseActors(actor).roles).toEqual([]);
      expect(parseActors(actor).problem).toBe('no-role');
    });

    it('an empty array', () => {
      expect(parseActors([])).toEqual({ roles: [], mode: 'all', problem: 'no-role' });
    });

    it('an array of blanks', () => {
      expect(parseActors(['', '  '])).toEqual({ roles: [], mode: 'all', problem: 'no-role' });
    });
  });

  describe('an array means mode all over its normalised elements', () => {
    it('normalised, sorted, distinct', () => {
      expect(parseActors(['Owner', '  release   manager ', 'owner'])).toEqual({ roles: ['owner', 'release manager'], mode: 'all' });
    });

    it('elements are not split: each element is one role', () => {
      expect(parseActors(['owner or operator'])).toEqual({ roles: ['owner or operator'], mode: 'all' });
      expect(parseActors(['owner + operator'])).toEqual({ roles: ['owner + operator'], mode: 'all' });
    });

    it('blank elements are dropped', () => {
      expect(parseActors(['owner', ''])).toEqual({ roles: ['owner'], mode: 'all' });
    });
  });

  it('the same text gives the same answer every time (no regex state carried over)', () => {
    for (let i = 0; i < 3; i++) {
      expect(parseActors('owner and operator')).toEqual({ roles: ['operator', 'owner'], mode: 'all' });
      expect(parseActors('owner or operator')).toEqual({ roles: ['operator', 'owner'], mode: 'any' });
      expect(parseActors('operator and owner or x').problem).toBe('ambiguous-actor');
    }
  });
});

describe('normaliseRolePart and sortedDistinct', () => {
  it('normaliseRolePart', () => {
    expect(normaliseRolePart('  Release \t Manager ')).toBe('release manager');
    expect(normaliseRolePart('')).toBe('');
  });

  it('sortedDistinct sorts by UTF-8 bytes, as Rego does', () => {
    expect(sortedDistinct(['b', 'B', 'a', 'b', 'é', 'z'])).toEqual(['B', 'a', 'b', 'z', 'é']);
    // UTF-16 order would put the emoji (a surrogate pair, 0xD83D…) before U+FF5E.
    expect(sortedDistinct(['\u{1F600}', '\uFF5E', '\uE000'])).toEqual(['\uE000', '\uFF5E', '\u{1F600}']);
  });

  it('roles and tags come out in that order', () => {
    // U+E000 (private use) has no compatibility form, so NFKC leaves it as it is.
    expect(parseActors('\u{1F600} + \uE000').roles).toEqual(['\uE000', '\u{1F600}']);
    expect(normaliseTags(['\u{1F600}', '\uE000'])).toEqual(['\uE000', '\u{1F600}']);
  });
});

describe('NFKC first (SPEC 1.2)', () => {
  it('full-width separators split as their plain forms', () => {
    expect(parseActors('Owner ＋ Operator')).toEqual({ roles: ['operator', 'owner'], mode: 'all' });
    expect(parseActors('owner＆operator，dba')).toEqual({ roles: ['dba', 'operator', 'owner'], mode: 'all' });
    expect(parseActors('owner ｜ operator')).toEqual({ roles: ['operator', 'owner'], mode: 'any' });
    expect(normaliseTags('ＰＲＯＤＵＣＴＩＯＮ／ａｐｐｌｙ，REAL＿RUN')).toEqual(['apply', 'production', 'real-run']);
  });

  it('full-width words `ａｎｄ` and `ｏｒ` are the words and/or', () => {
    expect(parseActors('owner ｏｒ operator')).toEqual({ roles: ['operator', 'owner'], mode: 'any' });
    expect(parseActors('owner ＡＮＤ operator')).toEqual({ roles: ['operator', 'owner'], mode: 'all' });
    // U+3000, the ideographic space, is a space after NFKC: the word is still delimited.
    expect(parseActors('owner\u3000ｏｒ\u3000operator')).toEqual({ roles: ['operator', 'owner'], mode: 'any' });
    // Still a word only when delimited: "ｏｐｅｒａｔｏｒ" holds no word or.
    expect(parseActors('ｏｐｅｒａｔｏｒ')).toEqual({ roles: ['operator'], mode: 'all' });
  });

  it('full-width parentheses are removed as parentheses, their separators with them', () => {
    expect(parseActors('operator （＋ separate production authorization）')).toEqual({ roles: ['operator'], mode: 'all' });
    expect(parseActors('owner ＋ operator （owner or operator）')).toEqual({ roles: ['operator', 'owner'], mode: 'all' });
  });

  it('mixing a full-width separator of one kind with a plain one of the other is ambiguous', () => {
    expect(parseActors('owner ＋ operator or dba').problem).toBe('ambiguous-actor');
    expect(parseActors('owner | operator ＆ dba').problem).toBe('ambiguous-actor');
  });

  it('array elements and single roles are put in NFKC form too, and compatibility letters fold', () => {
    expect(parseActors(['ＯＷＮＥＲ', 'Release\u3000Manager'])).toEqual({ roles: ['owner', 'release manager'], mode: 'all' });
    expect(normaliseTags(['ＰＲＯＤＵＣＴＩＯＮ', 'ﬁnal\u00a0cut'])).toEqual(['final-cut', 'production']);
    expect(normaliseRolePart(' ＳＥＣＵＲＩＴＹ\u3000ＯＦＦＩＣＥＲ ')).toBe('security officer');
    expect(normaliseRolePart('ｄｂａ')).toBe('dba');
    // Decomposed and precomposed accents are one role.
    expect(normaliseRolePart('Re\u0301seau')).toBe(normaliseRolePart('Réseau'));
  });

  // Plain ASCII pieces and spellings of each that have the same NFKC form.
  const fullWidth = (c: string) => String.fromCodePoint(c.codePointAt(0)! - 0x21 + 0xff01);
  const boldLetter = (c: string) => /[A-Z]/.test(c)
    ? String.fromCodePoint(0x1d400 + c.charCodeAt(0) - 65)
    : String.fromCodePoint(0x1d41a + c.charCodeAt(0) - 97);
  const spellings = (piece: string): string[] => {
    if (piece === ' ') return [' ', '\u3000', '\u00a0', '\u2003'];
    if (piece === 'fi') return ['fi', '\ufb01', 'ｆｉ'];
    if (piece === 'é') return ['é', 'e\u0301', 'ｅ\u0301'];
    if (piece === '2') return ['2', '\u00b2', '２'];
    return [...piece].reduce<string[]>((acc, c) => {
      const forms = /[a-zA-Z]/.test(c) ? [c, fullWidth(c), boldLetter(c)] : [c, fullWidth(c)];
      return acc.flatMap((prefix) => forms.map((f) => prefix + f)).slice(0, 12);
    }, ['']);
  };
  const PIECES = ['owner', 'Operator', 'DBA', 'release', 'Manager', ' ', ' ', '+', ',', '&', '|', '/', '(', ')', '_', '-', '.',
    'and', 'AND', 'or', 'Or', 'fi', 'é', '2', 'production', 'REAL', 'run'];
  const arbTwoSpellings = fc.array(fc.record({ piece: fc.constantFrom(...PIECES), a: fc.nat(11), b: fc.nat(11) }), { maxLength: 14 })
    .map((parts) => {
      const pick = (piece: string, n: number) => { const forms = spellings(piece); return forms[n % forms.length]!; };
      return [parts.map((p) => pick(p.piece, p.a)).join(''), parts.map((p) => pick(p.piece, p.b)).join('')] as const;
    });

  it('generated: NFKC-equivalent spellings give identical roles, modes and tags', () => {
    fc.assert(fc.property(arbTwoSpellings, ([one, other]) => {
      expect(compatibilityForm(one)).toBe(compatibilityForm(other));
      expect(parseActors(one)).toEqual(parseActors(other));
      expect(parseActors([one, 'x'])).toEqual(parseActors([other, 'x']));
      expect(normaliseTags(one)).toEqual(normaliseTags(other));
      expect(normaliseTags([one])).toEqual(normaliseTags([other]));
      expect(normaliseRolePart(one)).toBe(normaliseRolePart(other));
    }), { numRuns: 2000 });
  });

  it('generated: any string and its NFKC form normalise alike; a normalised role or tag is a fixed point', () => {
    // Any code point but surrogates, often from the half-width and full-width forms block.
    const codePoint = fc.oneof(fc.integer({ min: 0xff00, max: 0xffef }), fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff), fc.integer({ min: 0x20, max: 0x7e }));
    const arbText = fc.string({ unit: codePoint.map((c) => String.fromCodePoint(c)), maxLength: 16 });
    fc.assert(fc.property(arbText, (text) => {
      const nfkc = compatibilityForm(text);
      expect(parseActors(text)).toEqual(parseActors(nfkc));
      expect(normaliseTags(text)).toEqual(normaliseTags(nfkc));
      // A role the host wrote (a plan, a what-if grant) reads back as the same role.
      const role = normaliseRolePart(text);
      expect(normaliseRolePart(role)).toBe(role);
      for (const tag of normaliseTags(text)) expect(normaliseTag(tag)).toBe(tag);
    }), { numRuns: 3000 });
  });
});
