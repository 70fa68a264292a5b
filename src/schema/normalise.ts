// SPEC 1.2: tags and roles, normalised once by the host so the policy compares plain strings.
// Every string is first put in NFKC form, so that a full-width `＋`, `／` or `ＡＮＤ` splits and
// compares as its plain form; every result depends only on the NFKC form of its input.

/** SPEC 1.2's first step: compatibility characters (full-width, ligatures) as their plain forms. */
export function compatibilityForm(text: string): string {
  return text.normalize('NFKC');
}

/** One tag: NFKC, trimmed, lower-cased, `_` to `-`, runs of white space to `-`. */
export function normaliseTag(raw: string): string {
  return compatibilityForm(raw).trim().toLowerCase().replace(/_/g, '-').replace(/\s+/g, '-');
}

/** A `blocks` value as sorted distinct tags: a string splits (after NFKC) on `/` and `,`. */
export function normaliseTags(blocks: string | readonly string[]): string[] {
  const parts = typeof blocks === 'string' ? compatibilityForm(blocks).split(/[/,]/) : blocks;
  return sortedDistinct(parts.map(normaliseTag).filter((t) => t !== ''));
}

/** One role: NFKC, trimmed, lower-cased, inner white space collapsed to one space. */
export function normaliseRolePart(raw: string): string {
  return compatibilityForm(raw).trim().toLowerCase().replace(/\s+/g, ' ');
}

export type RoleMode = 'all' | 'any';

export interface Actors {
  roles: string[];
  mode: RoleMode;
  /** Why no grant can ever resolve the blocker, if none can. */
  problem?: 'no-role' | 'ambiguous-actor';
}

// A word here is a run of letters, digits, `_`, `-` or `.`: "operator" holds no word "or".
const WORD_CHAR = '[\\p{L}\\p{N}_.\\-]';
const AND = new RegExp(`(?<!${WORD_CHAR})and(?!${WORD_CHAR})`, 'giu');
const OR = new RegExp(`(?<!${WORD_CHAR})or(?!${WORD_CHAR})`, 'giu');

/** Removes every balanced `( … )` group, nested ones included; an unbalanced `(` stays. */
function withoutParentheses(text: string): string {
  let out = '';
  let depth = 0;
  let groupStart = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') {
      if (depth === 0) groupStart = i;
      depth++;
    } else if (c === ')' && depth > 0) {
      depth--;
    } else if (depth === 0) {
      out += c;
    }
  }
  // An unclosed group is kept as written: a role that no key holds, so it fails closed.
  return depth > 0 ? out + text.slice(groupStart) : out;
}

/** SPEC 1.2 roles from `actor_needed`. */
export function parseActors(actorNeeded: string | readonly string[]): Actors {
  if (typeof actorNeeded !== 'string') {
    return withRoles(actorNeeded.map(normaliseRolePart), 'all');
  }
  // NFKC before anything else: `（…）` are parentheses, `＋` and `ｏｒ` separators.
  const text = withoutParentheses(compatibilityForm(actorNeeded));
  const hasAll = /[+,&]/.test(text) || AND.test(text);
  AND.lastIndex = 0;
  const hasAny = /\|/.test(text) || OR.test(text);
  OR.lastIndex = 0;
  if (hasAll && hasAny) return { roles: [], mode: 'all', problem: 'ambiguous-actor' };
  if (hasAny) return withRoles(text.split(new RegExp(`\\||${OR.source}`, 'iu')).map(normaliseRolePart), 'any');
  return withRoles(text.split(new RegExp(`[+,&]|${AND.source}`, 'iu')).map(normaliseRolePart), 'all');
}

function withRoles(parts: string[], mode: RoleMode): Actors {
  const roles = sortedDistinct(parts.filter((r) => r !== ''));
  return roles.length === 0 ? { roles, mode, problem: 'no-role' } : { roles, mode };
}

/**
 * Sorted by UTF-8 bytes, as Rego's sort orders strings (JavaScript's `<` compares UTF-16 code
 * units, which puts U+10000 and above before U+E000..U+FFFF); duplicates removed.
 */
export function sortedDistinct(values: Iterable<string>): string[] {
  return [...new Set(values)]
    .map((value) => ({ value, bytes: Buffer.from(value, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ value }) => value);
}
