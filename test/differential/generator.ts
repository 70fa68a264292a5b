// fast-check arbitraries of schema-valid worlds (SPEC 1): blocker maps with every actor form and
// tag spelling, `after` chains (unknown ids, cycles), evidence_required, resolved_in_this_macro;
// signed ledgers with grants, revokes, expiries, targets, time-zone offsets, unknown keys and
// role mismatches; requests at and around every ledger time. Roles, tags and separators come in
// full-width and other compatibility spellings too (SPEC 1.2: NFKC first).
//
// The raw choices are indices into small pools, so that shrinking (dropping blockers or entries)
// keeps every reference valid; `buildWorld` turns them into a WorldSpec.

import fc from 'fast-check';
import { SPEC_DEFAULT_CATALOG, type CatalogSpec, type EntrySpec, type RequestSpec, type TimeSpec, type WhatIfRevokeSpec, type WorldSpec } from './world.js';

// ---------------------------------------------------------------------------------------------
// Pools

/** Roles: canonical name -> spellings (case, spaces, full-width and compatibility forms) that normalise to it. */
const ROLES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['owner', ['owner', 'Owner', ' OWNER ', 'owner\t', 'ＯＷＮＥＲ', 'ｏｗｎｅｒ']],
  ['operator', ['operator', 'Operator', 'OPERATOR', 'Ｏｐｅｒａｔｏｒ']],
  ['security officer', ['security officer', 'Security  Officer', 'security\tofficer', ' SECURITY OFFICER', 'Ｓｅｃｕｒｉｔｙ\u3000Ｏｆｆｉｃｅｒ', 'security\u00a0officer']],
  ['dba', ['dba', 'DBA', 'ｄｂａ']],
  ['release-manager', ['release-manager', 'Release-Manager', 'Ｒｅｌｅａｓｅ－Ｍａｎａｇｅｒ']],
  // Hold the letters "and"/"or" without being the words (also once NFKC has made them plain).
  ['android', ['android', 'Android', 'Ａｎｄｒｏｉｄ']],
  ['oracle', ['oracle', 'ORACLE', 'ＯＲＡＣＬＥ']],
  ['sre-or-dev', ['sre-or-dev', 'SRE-or-Dev', 'ＳＲＥ－ｏｒ－Ｄｅｖ']],
];

/** The generator's own reading of a role spelling, to aim grants and keys (the model has its own). */
const plainRole = (spelling: string) => spelling.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');

/** Tags: canonical tag -> spellings in a `blocks` value. */
const TAGS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['apply', ['apply', 'Apply', ' APPLY ', 'ａｐｐｌｙ']],
  ['cutover', ['cutover', 'CutOver']],
  ['permit', ['permit', 'PERMIT']],
  ['activation', ['activation']],
  ['repoint', ['repoint', ' Repoint']],
  ['real-run', ['real-run', 'REAL_RUN', 'Real Run', 'real_run', 'real \t run', 'ＲＥＡＬ＿ＲＵＮ']],
  ['production', ['production', 'Production', ' PRODUCTION ', 'ＰＲＯＤＵＣＴＩＯＮ', 'ｐｒｏｄｕｃｔｉｏｎ']],
  ['production-ci', ['production-ci', 'PRODUCTION_CI', 'production ci', 'ｐｒｏｄｕｃｔｉｏｎ\u3000ｃｉ']],
  ['staging', ['staging', 'Staging']],
  ['eu', ['eu', 'EU', 'ＥＵ']],
  ['misc', ['misc']],
  ['constructor', ['constructor', 'Constructor']],
];

const PARENTHETICALS = [
  ' (scope the exact production surface; not invented)',
  ' (+ separate production authorization)',
  ' (owner or operator)',
  '(and, or | + &)',
  ' (nested (owner or dba) note)',
  ' （＋ separate production authorization）',
  '（ｏｒ ｄｂａ）',
];

const BLOCKER_IDS = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', '__proto__', 'constructor', 'B-ü', 'B-ｚ', 'B-😀', 'toString'];
const UNKNOWN_IDS = ['NOPE-1', 'b1', 'ghost'];
const ENTRY_IDS = ['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7', 'G8', 'G9', 'G10', 'G11', 'G12', 'G13', 'G14', 'G15', 'G16', '__proto__', 'constructor', 'G-é', 'G-😀'];
const TARGETS = ['QT001', 'QT002'];
const EXTRA_ACTIONS = ['deploy'];
const EXTRA_ENVIRONMENTS = ['prod-eu'];

export const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);
export const HOUR = 3_600_000;
const GRID = 10;

// ---------------------------------------------------------------------------------------------
// Times

const OFFSETS: ReadonlyArray<readonly [string, number]> = [
  ['Z', 0], ['z', 0], ['+00:00', 0], ['-00:00', 0], ['+02:00', 120], ['-05:30', -330], ['+14:00', 840], ['-12:00', -720], ['+05:45', 345],
];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** RFC 3339 text for an instant, in a chosen offset and fraction style (written without the host). */
export function timeText(ms: number, offsetIdx: number, fractionStyle: number, lowerT: boolean): string {
  const [suffix, minutes] = OFFSETS[offsetIdx % OFFSETS.length]!;
  const local = new Date(ms + minutes * 60_000);
  const milli = local.getUTCMilliseconds();
  let fraction: string;
  switch (fractionStyle % 4) {
    case 0: fraction = milli === 0 ? '' : `.${pad(milli, 3)}`; break;
    case 1: fraction = `.${pad(milli, 3)}`; break;
    // Digits beyond the millisecond: SPEC compares at millisecond precision.
    case 2: fraction = `.${pad(milli, 3)}${'9876543'.slice(0, 1 + (ms % 6))}`; break;
    default: fraction = milli % 100 === 0 ? `.${milli / 100}` : `.${pad(milli, 3)}`; break;
  }
  const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const clock = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  return `${date}${lowerT ? 't' : 'T'}${clock}${fraction}${suffix}`;
}

const JITTERS = [0, 0, 0, 0, -1, 1, 500, -HOUR / 2];

interface RawTime { grid: number; jitter: number; offset: number; fraction: number; lowerT: boolean }

const arbRawTime: fc.Arbitrary<RawTime> = fc.record({
  grid: fc.nat(GRID),
  jitter: fc.nat(JITTERS.length - 1),
  offset: fc.nat(OFFSETS.length - 1),
  fraction: fc.nat(3),
  lowerT: fc.boolean(),
});

function timeOf(raw: RawTime, base = T0): TimeSpec {
  const ms = base + raw.grid * HOUR + JITTERS[raw.jitter % JITTERS.length]!;
  return { ms, text: timeText(ms, raw.offset, raw.fraction, raw.lowerT && raw.grid % 3 === 0) };
}

// ---------------------------------------------------------------------------------------------
// actor_needed and blocks

interface Actor { value: string | string[]; /** canonical roles the generator meant (for aiming grants only) */ roles: string[] }

const arbRoleSpelling = fc.record({ role: fc.nat(ROLES.length - 1), spelling: fc.nat(5) });
type RoleChoice = { role: number; spelling: number };
const spell = (c: RoleChoice) => {
  const [, spellings] = ROLES[c.role % ROLES.length]!;
  return spellings[c.spelling % spellings.length]!;
};
const canonicalRole = (c: RoleChoice) => ROLES[c.role % ROLES.length]![0];

const ALL_SEPARATORS = [' + ', '+', ', ', ' & ', ' and ', ' AND ', ' And ', ' ＋ ', '＆', '，', '\u3000ａｎｄ\u3000'];
const ANY_SEPARATORS = [' or ', ' | ', '|', ' OR ', ' ｏｒ ', '｜', ' ＯＲ '];

function joinWith(parts: string[], seps: readonly string[], sepChoices: number[], paren: number[]): string {
  let out = '';
  parts.forEach((p, i) => {
    if (i > 0) out += seps[(sepChoices[i] ?? 0) % seps.length];
    out += p;
    const pc = paren[i] ?? 0;
    if (pc > 0 && pc <= PARENTHETICALS.length) out += PARENTHETICALS[pc - 1];
  });
  return out;
}

const arbActor: fc.Arbitrary<Actor> = fc.record({
  kind: fc.constantFrom('all', 'all', 'any', 'single', 'single', 'array', 'ambiguous', 'none', 'edge'),
  roles: fc.array(arbRoleSpelling, { minLength: 1, maxLength: 3 }),
  seps: fc.array(fc.nat(10), { minLength: 3, maxLength: 3 }),
  paren: fc.array(fc.nat(PARENTHETICALS.length * 3), { minLength: 3, maxLength: 3 }),
  variant: fc.nat(7),
}).map(({ kind, roles, seps, paren, variant }): Actor => {
  const spelled = roles.map(spell);
  const canon = roles.map(canonicalRole);
  switch (kind) {
    case 'all': return { value: joinWith(spelled, ALL_SEPARATORS, seps, paren), roles: canon };
    case 'any': return { value: joinWith(spelled.length > 1 ? spelled : [...spelled, 'dba'], ANY_SEPARATORS, seps, paren), roles: canon.slice(0, 1) };
    case 'single': return { value: joinWith(spelled.slice(0, 1), ALL_SEPARATORS, seps, paren), roles: canon.slice(0, 1) };
    case 'array': {
      const value = variant === 0 ? [...spelled, '  '] : variant === 1 ? [] : spelled;
      return { value, roles: variant === 1 ? [] : canon };
    }
    case 'ambiguous': {
      const a = spelled[0]!, b = spelled[1] ?? 'dba', c = spelled[2] ?? 'owner';
      const forms = [`${a} + ${b} or ${c}`, `${a} | ${b}, ${c}`, `${a} and ${b} OR ${c}`, `${a} & ${b}|${c}`, `(${a}) ${b} or ${c} + x`, `${a} or ${b} and ${c}`,
        `${a} ＋ ${b} ｏｒ ${c}`, `${a}｜${b}＆${c}`];
      return { value: forms[variant % forms.length]!, roles: [] };
    }
    case 'none': {
      const forms = ['', '   ', '(only a note)', ' + ', ' , & ', ' | '];
      return { value: forms[variant % forms.length]!, roles: [] };
    }
    default: {
      // Leading and trailing separators; "or"/"and" in other words; one role any-of.
      const a = spelled[0]!;
      const forms = [`, ${a}`, `${a} +`, `${a} or`, `| ${a}`, `${a} (and) `, `  ${a}  &  `];
      return { value: forms[variant % forms.length]!, roles: [canon[0]!] };
    }
  }
});

interface Blocks { value: string | string[] }

const arbBlocks: fc.Arbitrary<Blocks> = fc.record({
  // Weighted towards the tags of common requests, so that blockers often apply.
  tags: fc.array(fc.record({ tag: fc.oneof({ arbitrary: fc.constantFrom(0, 6), weight: 3 }, { arbitrary: fc.nat(TAGS.length - 1), weight: 2 }), spelling: fc.nat(5) }), { minLength: 0, maxLength: 3 }),
  form: fc.constantFrom('slash', 'comma', 'slash-spaced', 'array', 'array', 'empty-parts', 'array-with-slash', 'full-width-slash', 'full-width-comma'),
}).map(({ tags, form }): Blocks => {
  const spelled = tags.map((t) => {
    const [, spellings] = TAGS[t.tag % TAGS.length]!;
    return spellings[t.spelling % spellings.length]!;
  });
  switch (form) {
    case 'slash': return { value: spelled.join('/') };
    case 'comma': return { value: spelled.join(',') };
    case 'full-width-slash': return { value: spelled.join('／') };
    case 'full-width-comma': return { value: spelled.join(' ， ') };
    case 'slash-spaced': return { value: spelled.join(' / ') };
    case 'empty-parts': return { value: `/${spelled.join('//')},, ` };
    // One tag per element: an element is never split.
    case 'array-with-slash': return { value: spelled.length > 1 ? [spelled.join('/'), ...spelled.slice(1)] : [...spelled, ''] };
    default: return { value: spelled };
  }
});

// ---------------------------------------------------------------------------------------------
// Blockers and maps

interface RawBlocker {
  actor: Actor;
  blocks: Blocks;
  evidenceRequired: number; // 0 absent, 1 false, 2 true
  after: number[]; // see idOf
  item: boolean;
  extra: number; // 0 none; 1 a plain extra field; 2 "__proto__"; 3 "constructor"; 4 also in the other map; 5 odd ids (first blocker)
  map: number;
}

const arbBlocker: fc.Arbitrary<RawBlocker> = fc.record({
  actor: arbActor,
  blocks: arbBlocks,
  evidenceRequired: fc.nat(2),
  after: fc.oneof({ weight: 3, arbitrary: fc.constant<number[]>([]) }, { weight: 2, arbitrary: fc.array(fc.nat(11), { minLength: 1, maxLength: 2 }) }),
  item: fc.boolean(),
  extra: fc.nat(5),
  map: fc.nat(1),
});

// ---------------------------------------------------------------------------------------------
// Trust and entries

interface RawKey { role: RoleChoice; second: boolean }

/** How an entry is signed, as a choice. */
type KeyChoice = 'own' | 'other-role' | 'unknown';
const KEY_CHOICES: KeyChoice[] = ['own', 'own', 'own', 'own', 'own', 'own', 'own', 'own', 'other-role', 'unknown'];

interface RawEntry {
  revoke: boolean;
  /** Aimed at a blocker: the role comes from the blocker's roles, resolves includes it. */
  aim: { blocker: number; role: number } | null;
  role: RoleChoice;
  key: number;
  action: number; // below 5 (8 when aimed): the focus action; else any name, unknown ones included
  environment: number;
  target: number; // 0,1,2 none; 3 QT001; 4 QT002
  resolves: number[];
  issued: RawTime;
  expires: RawTime | null;
  evidence: number; // 0,1 none; 2 empty array; 3 one; 4 two
  revokes: number;
  revokeSameRole: number; // 0..3: same role (3 of 4), else another
  note: number;
  order: number;
  escapeUnicode: boolean;
}

const arbEntry: fc.Arbitrary<RawEntry> = fc.record({
  revoke: fc.nat(4).map((n) => n === 0),
  aim: fc.option(fc.record({ blocker: fc.nat(7), role: fc.nat(2) }), { freq: 2 }),
  role: arbRoleSpelling,
  key: fc.nat(KEY_CHOICES.length - 1),
  action: fc.nat(9),
  environment: fc.nat(9),
  target: fc.nat(4),
  resolves: fc.array(fc.nat(11), { minLength: 0, maxLength: 2 }),
  issued: arbRawTime,
  expires: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arbRawTime }),
  evidence: fc.nat(4),
  revokes: fc.nat(20),
  revokeSameRole: fc.nat(3),
  note: fc.nat(4),
  order: fc.nat(1000),
  escapeUnicode: fc.boolean(),
});

interface RawRequest {
  action: number;
  environment: number;
  target: number;
  at: { boundary: boolean; index: number; jitter: number; time: RawTime };
}

const arbRequest: fc.Arbitrary<RawRequest> = fc.record({
  action: fc.nat(9),
  environment: fc.nat(9),
  target: fc.nat(4),
  at: fc.record({ boundary: fc.boolean(), index: fc.nat(40), jitter: fc.nat(2), time: arbRawTime }),
});

interface RawCatalog { custom: boolean; actions: number[]; spellingVariant: boolean; stagingTags: boolean; extraEnv: boolean }

const arbCatalog: fc.Arbitrary<RawCatalog> = fc.record({
  custom: fc.nat(4).map((n) => n === 0),
  actions: fc.subarray([0, 1, 2, 3, 4, 5, 6, 7, 8], { minLength: 1 }),
  spellingVariant: fc.boolean(),
  stagingTags: fc.boolean(),
  extraEnv: fc.boolean(),
});

export interface RawWorld {
  catalog: RawCatalog;
  blockers: RawBlocker[];
  resolved: number[];
  keys: RawKey[];
  entries: RawEntry[];
  verify: boolean;
  /** Add a trusted key for every role a blocker names that no key holds yet. */
  keysForAllRoles: boolean;
  requests: RawRequest[];
  metadata: boolean;
  /** Start the ledger with a grant for every role of every blocker, for the focus request. */
  cover: boolean;
  /** What-if revokes: which grant (an index), and when. */
  whatIf: { grant: number; time: RawTime }[];
}

export const arbRawWorld: fc.Arbitrary<RawWorld> = fc.record({
  catalog: arbCatalog,
  blockers: fc.array(arbBlocker, { minLength: 1, maxLength: 7 }),
  resolved: fc.array(fc.nat(11), { maxLength: 2 }),
  keys: fc.array(fc.record({ role: arbRoleSpelling, second: fc.boolean() }), { minLength: 0, maxLength: 5 }),
  entries: fc.array(arbEntry, { maxLength: 14 }),
  verify: fc.nat(6).map((n) => n !== 0),
  keysForAllRoles: fc.nat(4).map((n) => n !== 0),
  requests: fc.array(arbRequest, { minLength: 4, maxLength: 4 }),
  metadata: fc.boolean(),
  cover: fc.boolean(),
  // Mostly none: most worlds stay plain ledgers, as `check` sees them.
  whatIf: fc.oneof({ weight: 3, arbitrary: fc.constant<RawWorld['whatIf']>([]) }, { weight: 1, arbitrary: fc.array(fc.record({ grant: fc.nat(20), time: arbRawTime }), { minLength: 1, maxLength: 3 }) }),
});

// ---------------------------------------------------------------------------------------------
// From choices to a world

function catalogFrom(raw: RawCatalog): CatalogSpec | null {
  if (!raw.custom) return null;
  const defaults = Object.entries(SPEC_DEFAULT_CATALOG.actions);
  const actions: CatalogSpec['actions'] = {};
  for (const i of raw.actions) {
    if (i < defaults.length) {
      const [name, { tags }] = defaults[i]!;
      actions[name] = { tags: raw.spellingVariant && name === 'real-run' ? ['REAL_RUN', 'ＲＥＡＬ＿ＲＵＮ'] : [...tags] };
    } else if (i === 7) {
      actions.deploy = { tags: ['apply', raw.spellingVariant ? ' Production ' : 'production'] };
    } else {
      // Names that are also Object.prototype members must stay plain data.
      defineField(actions, '__proto__', { tags: ['constructor', 'permit'] });
      defineField(actions, 'constructor', { tags: ['Constructor'] });
    }
  }
  const environments: CatalogSpec['environments'] = {
    production: { tags: ['production'] },
    staging: { tags: raw.stagingTags ? ['staging'] : [] },
    development: { tags: [] },
  };
  if (raw.extraEnv) environments['prod-eu'] = { tags: ['production', raw.spellingVariant ? 'ＥＵ' : 'eu'] };
  return { actions, environments };
}

function defineField(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `base`: the instant the time grid starts from (rule worlds move it to a freeze window's edge). */
export function buildWorld(raw: RawWorld, base: number = T0): WorldSpec {
  const catalog = catalogFrom(raw.catalog);
  const actionNames = Object.keys((catalog ?? SPEC_DEFAULT_CATALOG).actions);
  const envNames = Object.keys((catalog ?? SPEC_DEFAULT_CATALOG).environments);

  // Requests first: the first one is the focus that aimed grants are for.
  const pickName = (names: string[], extra: string[], n: number, focus: string | undefined) => {
    if (focus !== undefined && n < 7) return focus;
    const all = [...names, ...extra];
    return all[n % all.length]!;
  };
  const reqAction = (n: number) => actionNames[n % actionNames.length]!;
  const reqEnv = (n: number) => envNames[n % envNames.length]!;
  const focus = raw.requests[0]!;
  const focusAction = reqAction(focus.action);
  const focusEnv = focus.environment < 6 && envNames.includes('production') ? 'production' : reqEnv(focus.environment);
  const focusTarget = focus.target >= 3 ? TARGETS[focus.target - 3] : undefined;

  // Blockers.
  // Some worlds (the first blocker's extra === 5) take the odd ids: "__proto__", "constructor",
  // non-ASCII ones whose UTF-16 and code point orders differ.
  const shift = raw.blockers[0]!.extra === 5 ? 8 : 0;
  const blockerIds = raw.blockers.map((_, i) => BLOCKER_IDS[(i + shift) % BLOCKER_IDS.length]!);
  // 0-9: a blocker of this world; 10, 11: an id no map has.
  const idOf = (n: number) => (n < 10 ? blockerIds[n % blockerIds.length]! : UNKNOWN_IDS[n % UNKNOWN_IDS.length]!);
  const mapsBlockers: Record<string, unknown>[][] = [[], []];
  raw.blockers.forEach((b, i) => {
    const doc: Record<string, unknown> = { id: blockerIds[i]! };
    if (b.item) doc.item = `item of ${blockerIds[i]}`;
    doc.actor_needed = b.actor.value;
    doc.blocks = b.blocks.value;
    if (b.item) doc.next_action = `next for ${blockerIds[i]}`;
    if (b.evidenceRequired > 0) doc.evidence_required = b.evidenceRequired === 2;
    if (b.after.length > 0) doc.after = [...new Set(b.after.map(idOf))];
    if (b.extra === 1) doc.owner_note = 'kept and ignored';
    if (b.extra === 2) defineField(doc, '__proto__', { evidence_required: true, roles: ['owner'] });
    if (b.extra === 3) defineField(doc, 'constructor', 'kept and ignored');
    mapsBlockers[b.map % 2]!.push(doc);
    // The same blocker, equal, in the other map: one blocker (SPEC 1.1).
    if (b.extra === 4) mapsBlockers[(b.map + 1) % 2]!.push(doc);
  });
  const resolvedIds = [...new Set(raw.resolved.map(idOf))];
  const maps = mapsBlockers
    .map((blockers, i) => {
      const doc: Record<string, unknown> = {};
      if (raw.metadata) {
        doc.doc = `generated map ${i + 1}`;
        doc.production_work_performed = false;
        doc.note = 'metadata, never decisive';
      }
      doc.blockers = blockers;
      // Split the resolved ids over the maps.
      const mine = resolvedIds.filter((_, j) => j % 2 === i);
      if (mine.length > 0 || (raw.metadata && i === 0)) doc.resolved_in_this_macro = mine;
      return { doc };
    })
    .filter((m, i) => i === 0 || (m.doc.blockers as unknown[]).length > 0 || m.doc.resolved_in_this_macro !== undefined);

  // Trust: keys hold roles; seeds are distinct per key.
  const trust = raw.keys.map((k, i) => ({ id: `k-${i + 1}${k.second ? '-b' : ''}`, role: spell(k.role), seed: i + 1 }));
  if (raw.keysForAllRoles) {
    const held = new Set(trust.map((k) => plainRole(k.role)));
    for (const b of raw.blockers) {
      for (const role of b.actor.roles) {
        if (held.has(role)) continue;
        held.add(role);
        trust.push({ id: `k-${role}`, role, seed: 50 + trust.length });
      }
    }
  }
  const keyForRole = (role: string) => trust.find((k) => plainRole(k.role) === role);

  // Entries.
  const entries: EntrySpec[] = [];
  const usedIds = new Set<string>();
  const grants: { id: string; role: string; roleSpelling: string }[] = [];
  const entryTimes: number[] = [];
  const cover: RawEntry[] = !raw.cover ? [] : raw.blockers.flatMap((b, blocker) => b.actor.roles.map((_, role) => ({
    revoke: false, aim: { blocker, role }, role: { role: 0, spelling: blocker + role }, key: 0, action: 0, environment: 0, target: 0,
    resolves: [], issued: { grid: (blocker + role) % 3, jitter: 0, offset: blocker, fraction: role, lowerT: false }, expires: null,
    evidence: 3, revokes: 0, revokeSameRole: 0, note: 0, order: 1 + blocker * 3 + role, escapeUnicode: false,
  })));
  [...cover, ...raw.entries].forEach((e, i) => {
    let id = ENTRY_IDS[i % ENTRY_IDS.length]!;
    if (e.order % 7 === 0) id = ENTRY_IDS[(i + 16) % ENTRY_IDS.length]!;
    while (usedIds.has(id)) id = `${id}x`;
    usedIds.add(id);

    let roleSpelling = spell(e.role);
    let role = canonicalRole(e.role);
    // Aimed grants mostly early, so that later requests find them in force.
    const issued = timeOf(e.aim !== null && e.issued.offset % 3 !== 0 ? { ...e.issued, grid: e.issued.grid % 4 } : e.issued, base);
    const fields: Record<string, unknown> = { id };
    if (e.revoke && grants.length > 0) {
      const target = grants[e.revokes % grants.length]!;
      if (e.revokeSameRole < 3) {
        role = target.role;
        roleSpelling = e.revokeSameRole === 0 ? target.roleSpelling : spell({ role: ROLES.findIndex(([r]) => r === role), spelling: e.role.spelling });
      }
      Object.assign(fields, { type: 'revoke', role: roleSpelling, issued_at: issued.text, revokes: target.id });
    } else {
      const aimedIndex = e.aim === null ? -1 : e.aim.blocker % raw.blockers.length;
      const aimed = aimedIndex >= 0 ? raw.blockers[aimedIndex]! : undefined;
      if (aimed && aimed.actor.roles.length > 0) {
        role = aimed.actor.roles[e.aim!.role % aimed.actor.roles.length]!;
        const ri = ROLES.findIndex(([r]) => r === role);
        roleSpelling = spell({ role: ri, spelling: e.role.spelling });
      }
      const resolves = [...new Set([...(aimed ? [blockerIds[aimedIndex]!] : []), ...e.resolves.map(idOf)])];
      if (resolves.length === 0) resolves.push(idOf(e.resolves[0] ?? 0));
      const action = e.action < (aimed ? 8 : 5) ? focusAction : pickName(actionNames, EXTRA_ACTIONS, e.action, undefined);
      const environment = e.environment < (aimed ? 8 : 5) ? focusEnv : pickName(envNames, EXTRA_ENVIRONMENTS, e.environment, undefined);
      Object.assign(fields, { type: 'grant', role: roleSpelling, issued_at: issued.text, action, environment });
      const target = aimed && e.target < 3 ? focusTarget : e.target >= 3 ? TARGETS[e.target - 3] : undefined;
      if (target !== undefined) fields.target = target;
      fields.resolves = resolves;
      grants.push({ id, role, roleSpelling });
    }
    let expires: TimeSpec | undefined;
    if (fields.type === 'grant' && e.expires !== null) {
      // Mostly after issue; sometimes at or before it.
      expires = timeOf(e.expires, e.expires.grid % 4 === 0 ? base : issued.ms);
      fields.expires_at = expires.text;
    }
    if (fields.type === 'grant') {
      const sha = (c: string) => c.repeat(64);
      if (e.evidence === 2) fields.evidence = [];
      if (e.evidence === 3) fields.evidence = [{ uri: 'https://ci.example/run/1', sha256: sha('a') }];
      if (e.evidence === 4) fields.evidence = [{ uri: 'file:///e1', sha256: sha('b') }, { uri: 'https://x.example/é', sha256: sha('c') }];
    }
    if (e.note === 1) fields.note = 'a note';
    if (e.note === 2) fields.note = 'déjà vu 😀 "quoted" \\ back';
    entryTimes.push(issued.ms);
    if (expires) entryTimes.push(expires.ms);

    // Signing.
    const choice = KEY_CHOICES[e.key % KEY_CHOICES.length]!;
    const own = keyForRole(role);
    const fallback = trust[e.order % Math.max(trust.length, 1)];
    let signing: EntrySpec['signing'];
    if (choice === 'unknown' || trust.length === 0) {
      signing = { kind: 'key', keyId: `ghost-${e.order % 3}`, seed: 100 + (e.order % 3) };
    } else if (choice === 'other-role' || !own) {
      const other = trust.find((k) => plainRole(k.role) !== role) ?? fallback!;
      signing = { kind: 'key', keyId: other.id, seed: other.seed };
    } else {
      signing = { kind: 'key', keyId: own.id, seed: own.seed };
    }
    const spec: EntrySpec = { fields, issued, signing, order: e.order, escapeUnicode: e.escapeUnicode };
    if (expires) spec.expires = expires;
    entries.push(spec);
  });

  // What-if revokes of generated grants, at grid times (their instants are breakpoints too).
  const whatIfRevokes: WhatIfRevokeSpec[] = grants.length === 0 ? [] : raw.whatIf.map((h) => ({ grant: grants[h.grant % grants.length]!.id, at: timeOf(h.time, base) }));
  for (const h of whatIfRevokes) entryTimes.push(h.at.ms);

  // Requests: at a ledger or what-if time (exactly, or a millisecond either side) or on the grid.
  const boundaryTimes = [...new Set(entryTimes)].sort((a, b) => a - b);
  const requests: RequestSpec[] = raw.requests.map((r, i) => {
    const action = i === 0 ? focusAction : pickName(actionNames, [], r.action, r.action < 4 ? focusAction : undefined);
    const environment = i === 0 ? focusEnv : pickName(envNames, [], r.environment, r.environment < 4 ? focusEnv : undefined);
    const target = i === 0 ? focusTarget : r.target >= 3 ? TARGETS[r.target - 3] : r.target === 2 ? focusTarget : undefined;
    let at: TimeSpec;
    if (r.at.boundary && boundaryTimes.length > 0 && (i > 0 || r.at.jitter === 0)) {
      const ms = boundaryTimes[r.at.index % boundaryTimes.length]! + [0, -1, 1][r.at.jitter]!;
      at = { ms, text: timeText(ms, r.at.time.offset, r.at.time.fraction, false) };
    } else {
      // The focus request mostly late, after the aimed grants.
      at = timeOf(i === 0 ? { ...r.at.time, grid: 5 + (r.at.time.grid % 6) } : r.at.time, base);
    }
    const req: RequestSpec = { action, environment, at };
    if (target !== undefined) req.target = target;
    return req;
  });

  const world: WorldSpec = { catalog, maps, trust, entries, verify: raw.verify, requests };
  if (whatIfRevokes.length > 0) world.whatIfRevokes = whatIfRevokes;
  return world;
}

export const arbWorld: fc.Arbitrary<WorldSpec> = arbRawWorld.map(buildWorld);
