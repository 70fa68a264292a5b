// A plain model of SPEC 1.2 (normalisation) and SPEC 2 (the decision), written from the SPEC
// text alone: the independent oracle the bundle and OPA are compared with. It reads a WorldSpec
// (the generator's facts), never the host's world or the Rego.
//
// `mutation` breaks one rule on purpose: the test suite checks that each broken model is caught,
// so the comparison is known to be able to fail.

import { catalogOf, type EntrySpec, type RequestSpec, type WorldSpec } from './world.js';

export type Mutation =
  | 'none'
  | 'expiry-inclusive' // at == expires_at still in force
  | 'revoke-any-role' // a revoke from any role counts
  | 'ignore-evidence' // evidence_required ignored
  | 'ignore-after-time' // prerequisites met suffice; T(b) ignored
  | 'any-as-all' // mode any treated as all
  | 'target-ignored' // g.target never checked
  | 'revoke-warning-on-time' // a revoke of the grant's own role, not yet issued, warned of
  | 'what-if-ignored' // a what-if revoke changes nothing
  | 'no-nfkc'; // strings split and compared without NFKC first

export type Mode = 'all' | 'any';

export interface ModelBlocker {
  id: string;
  /** Shown in every explanation (SPEC 2.4), as written. */
  item: string | null;
  next_action: string | null;
  actor_needed: string | string[];
  /** The map file (its name as files.ts writes it) that first defines the blocker. */
  source: string;
  tags: string[];
  roles: string[];
  mode: Mode;
  problem?: 'no-role' | 'ambiguous-actor';
  evidenceRequired: boolean;
  after: string[];
}

export interface ModelDenial {
  /** SPEC 6: a blocker's denial or a rule's. */
  kind?: 'blocker' | 'rule';
  blocker_id: string;
  item: string | null;
  next_action: string | null;
  /** null for a rule denial (SPEC 6), as mode. */
  actor_needed: string | string[] | null;
  source: string;
  blocks: string[];
  required_roles: string[];
  mode: Mode | null;
  missing_roles: string[];
  reasons: string[];
}

export interface ModelDecision {
  allowed: boolean;
  denials: ModelDenial[];
  satisfied: { blocker_id: string; grants: string[] }[];
  ignored_grants: { grant_id: string; blocker_ids: string[]; reason: string }[];
  warnings: ModelWarning[];
}

/**
 * A SPEC 2.4 warning as the model knows it: its code and what its message must name (the
 * message's wording is the policy's); `key` is that, as one comparable string.
 */
export interface ModelWarning {
  /** A core code, or a rule's id (SPEC 6: a rule warning's code is its id). */
  code: 'blocker-applies-nowhere' | 'ledger-not-verified' | 'revoke-without-effect' | (string & {});
  /** blocker-applies-nowhere: the blocker id; revoke-without-effect: "line|revoke id|grant id|why"; a rule's: its message. */
  key: string;
}

// --- SPEC 1.2 -----------------------------------------------------------------------------------

/** Sorted by Unicode code point (UTF-8 byte order), distinct. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareCodePoints);
}

export function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** How a string is first put in form: SPEC 1.2's NFKC (the 'no-nfkc' mutation: as written). */
export type FirstForm = (text: string) => string;
const NFKC: FirstForm = (text) => text.normalize('NFKC');
const AS_WRITTEN: FirstForm = (text) => text;

export function tagOf(raw: string, form: FirstForm = NFKC): string {
  return form(raw).trim().toLowerCase().replace(/_/g, '-').replace(/\s+/g, '-');
}

export function tagsOf(blocks: string | string[], form: FirstForm = NFKC): string[] {
  const parts = typeof blocks === 'string' ? form(blocks).split(/[/,]/) : blocks;
  return sortedUnique(parts.map((p) => tagOf(p, form)).filter((t) => t !== ''));
}

export function roleOf(raw: string, form: FirstForm = NFKC): string {
  return form(raw).trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Removes every ( … ) group, nested ones included. */
function dropParenthesised(text: string): string {
  let depth = 0;
  let out = '';
  for (const c of text) {
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += c;
  }
  return out;
}

/**
 * Splits into tokens: the separators + , & | and runs of white space end a word; a word is
 * what lies between them ("sre-or-dev" is one word, "operator" holds no word "or").
 */
function words(text: string): string[] {
  return text.split(/[\s+,&|]+/).filter((w) => w !== '');
}

export function actorsOf(actor: string | string[], form: FirstForm = NFKC): { roles: string[]; mode: Mode; problem?: 'no-role' | 'ambiguous-actor' } {
  if (Array.isArray(actor)) {
    const roles = sortedUnique(actor.map((a) => roleOf(a, form)).filter((r) => r !== ''));
    return roles.length === 0 ? { roles, mode: 'all', problem: 'no-role' } : { roles, mode: 'all' };
  }
  const text = dropParenthesised(form(actor));
  const ws = words(text).map((w) => w.toLowerCase());
  const allKind = /[+,&]/.test(text) || ws.includes('and');
  const anyKind = text.includes('|') || ws.includes('or');
  if (allKind && anyKind) return { roles: [], mode: 'all', problem: 'ambiguous-actor' };
  const mode: Mode = anyKind ? 'any' : 'all';
  // Split on the separators of the mode, and on the word (and/or) between white space or separators.
  const sepChars = mode === 'any' ? '|' : '+,&';
  const word = mode === 'any' ? 'or' : 'and';
  const parts: string[] = [];
  let current = '';
  const flush = () => { parts.push(current); current = ''; };
  // Tokenise keeping white space, so that a role keeps its inner spaces.
  const tokens = text.match(/[+,&|]|\s+|[^\s+,&|]+/g) ?? [];
  for (const t of tokens) {
    if (sepChars.includes(t)) flush();
    else if (t.toLowerCase() === word) flush();
    else current += t;
  }
  flush();
  const roles = sortedUnique(parts.map((p) => roleOf(p, form)).filter((r) => r !== ''));
  return roles.length === 0 ? { roles, mode, problem: 'no-role' } : { roles, mode };
}

// --- the world, read ------------------------------------------------------------------------------

interface ModelGrant {
  id: string;
  role: string;
  action: string;
  environment: string;
  target?: string;
  resolves: string[];
  issued: number;
  expires?: number;
  hasEvidence: boolean;
  auth: string;
}

interface ModelRevoke { id: string; role: string; revokes: string; issued: number; auth: string; line: number }

/** SPEC 3 `what-if --revoke ID`: the grant is revoked by its own role, authentically, from `issued`. */
interface ModelWhatIfRevoke { grant: string; issued: number }

export interface ModelWorld {
  blockers: Map<string, ModelBlocker>;
  resolved: Set<string>;
  grants: ModelGrant[];
  revokes: ModelRevoke[];
  whatIfRevokes: ModelWhatIfRevoke[];
  actionTags: Map<string, string[]>;
  environmentTags: Map<string, string[]>;
  verify: boolean;
}

/**
 * SPEC 1.4 authenticity, from the generator's facts: which key signed what. Generated worlds
 * sign with the key they name (a signature that fails rejects the whole ledger, not a decision).
 */
export function authOf(world: WorldSpec, entry: EntrySpec, form: FirstForm = NFKC): string {
  if (!world.verify) return 'ok';
  const key = world.trust.find((k) => k.id === entry.signing.keyId);
  if (!key) return 'unknown-key';
  if (entry.signing.seed !== key.seed) throw new Error(`entry ${String(entry.fields.id)} is signed by another key than ${key.id}: no decision`);
  if (roleOf(String(entry.fields.role), form) !== roleOf(key.role, form)) return 'role-mismatch';
  return 'ok';
}

export function readWorld(world: WorldSpec, mutation: Mutation = 'none'): ModelWorld {
  const form = mutation === 'no-nfkc' ? AS_WRITTEN : NFKC;
  const blockers = new Map<string, ModelBlocker>();
  const resolved = new Set<string>();
  world.maps.forEach(({ doc }, mapIndex) => {
    for (const raw of (doc.blockers as Record<string, unknown>[])) {
      const id = raw.id as string;
      if (blockers.has(id)) continue;
      const actors = actorsOf(raw.actor_needed as string | string[], form);
      const b: ModelBlocker = {
        id, item: (raw.item as string | undefined) ?? null, next_action: (raw.next_action as string | undefined) ?? null,
        actor_needed: raw.actor_needed as string | string[], source: `map-${mapIndex + 1}.json`, tags: tagsOf(raw.blocks as string | string[], form), roles: actors.roles, mode: actors.mode,
        evidenceRequired: raw.evidence_required === true, after: (raw.after as string[] | undefined) ?? [],
      };
      if (actors.problem) b.problem = actors.problem;
      blockers.set(id, b);
    }
    for (const id of (doc.resolved_in_this_macro as string[] | undefined) ?? []) resolved.add(id);
  });
  const grants: ModelGrant[] = [];
  const revokes: ModelRevoke[] = [];
  world.entries.forEach((e, index) => {
    const f = e.fields;
    const auth = authOf(world, e, form);
    if (f.type === 'grant') {
      const g: ModelGrant = {
        id: f.id as string, role: roleOf(f.role as string, form), action: f.action as string, environment: f.environment as string,
        resolves: f.resolves as string[], issued: e.issued.ms, hasEvidence: Array.isArray(f.evidence) && f.evidence.length > 0, auth,
      };
      if (typeof f.target === 'string') g.target = f.target;
      if (e.expires) g.expires = e.expires.ms;
      grants.push(g);
    } else {
      revokes.push({ id: f.id as string, role: roleOf(f.role as string, form), revokes: f.revokes as string, issued: e.issued.ms, auth, line: index + 1 });
    }
  });
  const catalog = catalogOf(world);
  const tagMap = (names: Record<string, { tags: string[] }>) => new Map(Object.entries(names).map(([n, { tags }]) => [n, tagsOf(tags, form)]));
  const whatIfRevokes = (world.whatIfRevokes ?? []).map((h) => ({ grant: h.grant, issued: h.at.ms }));
  return {
    blockers, resolved, grants, revokes, whatIfRevokes, actionTags: tagMap(catalog.actions), environmentTags: tagMap(catalog.environments), verify: world.verify,
  };
}

// --- SPEC 2 ---------------------------------------------------------------------------------------

export interface ModelRequest { action: string; environment: string; target?: string; at: number }

export function requestOf(r: RequestSpec): ModelRequest {
  const out: ModelRequest = { action: r.action, environment: r.environment, at: r.at.ms };
  if (r.target !== undefined) out.target = r.target;
  return out;
}

export function decide(w: ModelWorld, r: ModelRequest, mutation: Mutation = 'none'): ModelDecision {
  const requestTags = new Set([...(w.actionTags.get(r.action) ?? []), ...(w.environmentTags.get(r.environment) ?? [])]);

  const revoked = (g: ModelGrant) => w.revokes.some((v) => v.auth === 'ok' && v.revokes === g.id
    && (mutation === 'revoke-any-role' || v.role === g.role) && v.issued <= r.at)
    || (mutation !== 'what-if-ignored' && w.whatIfRevokes.some((h) => h.grant === g.id && h.issued <= r.at));
  const expired = (g: ModelGrant) => g.expires !== undefined && (mutation === 'expiry-inclusive' ? r.at > g.expires : r.at >= g.expires);
  /** The first reason (SPEC 2.4 order) a grant is not in force, or undefined when it is. */
  const notInForce = (g: ModelGrant): string | undefined => {
    if (g.auth !== 'ok') return g.auth;
    if (revoked(g)) return 'revoked';
    if (expired(g)) return 'expired';
    if (g.issued > r.at) return 'not-yet-valid';
    if (g.action !== r.action) return 'other-action';
    if (g.environment !== r.environment) return 'other-environment';
    if (mutation !== 'target-ignored' && g.target !== undefined && g.target !== r.target) return 'other-target';
    return undefined;
  };
  const inForce = (g: ModelGrant) => notInForce(g) === undefined;
  const evidenceOk = (g: ModelGrant, p: ModelBlocker) => mutation === 'ignore-evidence' || !p.evidenceRequired || g.hasEvidence;
  const qualifies = (g: ModelGrant, p: ModelBlocker) => inForce(g) && g.resolves.includes(p.id) && p.roles.includes(g.role) && evidenceOk(g, p);
  const mode = (p: ModelBlocker): Mode => (mutation === 'any-as-all' ? 'all' : p.mode);

  /** Direct satisfaction: satisfied, and the time (undefined: no time constraint). */
  const direct = (id: string): { ok: boolean; time?: number } => {
    if (w.resolved.has(id)) return { ok: true };
    const p = w.blockers.get(id);
    if (!p || p.problem) return { ok: false };
    const earliest: number[] = [];
    for (const role of p.roles) {
      const times = w.grants.filter((g) => g.role === role && qualifies(g, p)).map((g) => g.issued);
      if (times.length > 0) earliest.push(Math.min(...times));
    }
    if (mode(p) === 'all') return earliest.length === p.roles.length ? { ok: true, time: Math.max(...earliest) } : { ok: false };
    return earliest.length > 0 ? { ok: true, time: Math.min(...earliest) } : { ok: false };
  };

  // "every id in b.after names a blocker that is directly satisfied": an id no map has is never met.
  const prerequisitesMet = (b: ModelBlocker) => b.after.every((id) => w.blockers.has(id) && direct(id).ok);
  const threshold = (b: ModelBlocker): number | undefined => {
    if (!prerequisitesMet(b) || mutation === 'ignore-after-time') return undefined;
    const times = b.after.map((id) => direct(id).time).filter((t): t is number => t !== undefined);
    return times.length > 0 ? Math.max(...times) : undefined;
  };
  const counts = (g: ModelGrant, b: ModelBlocker, t: number | undefined) => qualifies(g, b) && (t === undefined || g.issued >= t);

  const applicable = [...w.blockers.values()]
    .filter((b) => b.tags.some((t) => requestTags.has(t)) && !w.resolved.has(b.id))
    .sort((a, b) => compareCodePoints(a.id, b.id));

  const denials: ModelDenial[] = [];
  const satisfied: ModelDecision['satisfied'] = [];
  const ignored = new Map<string, { grant_id: string; reason: string; blockers: Set<string> }>();
  for (const b of applicable) {
    const t = threshold(b);
    const counting = w.grants.filter((g) => counts(g, b, t));
    const countingRoles = new Set(counting.map((g) => g.role));
    const met = prerequisitesMet(b);
    const rolesOk = mode(b) === 'all' ? b.roles.every((role) => countingRoles.has(role)) : b.roles.some((role) => countingRoles.has(role));
    const ok = !b.problem && met && rolesOk;
    if (ok) {
      satisfied.push({ blocker_id: b.id, grants: sortedUnique(counting.map((g) => g.id)) });
    } else {
      const missing = mode(b) === 'all'
        ? b.roles.filter((role) => !countingRoles.has(role))
        : (b.roles.some((role) => countingRoles.has(role)) ? [] : b.roles);
      const reasons = new Set<string>();
      if (b.problem) reasons.add(b.problem);
      if (!met) reasons.add('prerequisite-unsatisfied');
      for (const role of missing) {
        const G = w.grants.filter((g) => g.role === role && inForce(g) && g.resolves.includes(b.id));
        const E = G.filter((g) => evidenceOk(g, b));
        reasons.add(G.length === 0 ? 'missing-grant' : E.length === 0 ? 'evidence-missing' : 'grant-too-early');
      }
      denials.push({
        kind: 'blocker', blocker_id: b.id, item: b.item, next_action: b.next_action, actor_needed: b.actor_needed, source: b.source, blocks: b.tags, required_roles: b.roles, mode: b.mode,
        missing_roles: sortedUnique(missing), reasons: sortedUnique(reasons),
      });
    }
    for (const g of w.grants) {
      if (!g.resolves.includes(b.id) || counts(g, b, t)) continue;
      const reason = notInForce(g)
        ?? (!b.roles.includes(g.role) ? 'role-not-required' : !evidenceOk(g, b) ? 'evidence-missing' : 'too-early');
      const key = `${g.id}\u0000${reason}`;
      const entry = ignored.get(key) ?? { grant_id: g.id, reason, blockers: new Set<string>() };
      entry.blockers.add(b.id);
      ignored.set(key, entry);
    }
  }
  const ignored_grants = [...ignored.values()]
    .map((i) => ({ grant_id: i.grant_id, blocker_ids: sortedUnique(i.blockers), reason: i.reason }))
    .sort((a, b) => compareCodePoints(a.grant_id, b.grant_id) || compareCodePoints(a.reason, b.reason));
  return {
    allowed: denials.length === 0,
    denials,
    satisfied,
    ignored_grants,
    warnings: warningsOf(w, r, applicable, mutation),
  };
}

/** SPEC 2.4's warnings, sorted by code, then key. */
function warningsOf(w: ModelWorld, r: ModelRequest, applicable: ModelBlocker[], mutation: Mutation): ModelWarning[] {
  const out: ModelWarning[] = [];
  // Every loaded blocker none of whose tags any catalog action or environment carries.
  const catalogTags = new Set([...w.actionTags.values(), ...w.environmentTags.values()].flat());
  for (const b of w.blockers.values()) {
    if (!b.tags.some((t) => catalogTags.has(t))) out.push({ code: 'blocker-applies-nowhere', key: b.id });
  }
  if (!w.verify) out.push({ code: 'ledger-not-verified', key: '' });
  // Every revoke naming a grant of an applicable blocker that does not take effect at `at` for a
  // reason other than time: not authentic, or from another role than the grant's (SPEC 2.1).
  const applicableIds = new Set(applicable.map((b) => b.id));
  for (const v of w.revokes) {
    const g = w.grants.find((x) => x.id === v.revokes);
    if (!g || !g.resolves.some((id) => applicableIds.has(id))) continue;
    const why = v.auth !== 'ok' ? v.auth : v.role !== g.role ? 'other-role' : mutation === 'revoke-warning-on-time' && v.issued > r.at ? 'not-yet' : undefined;
    if (why !== undefined) out.push({ code: 'revoke-without-effect', key: `${v.line}|${v.id}|${g.id}|${why}` });
  }
  return out.sort((a, b) => compareCodePoints(a.code, b.code) || compareCodePoints(a.key, b.key));
}

/** Adds hypothetical authentic grants (for the plan checks). */
export function withGrants(w: ModelWorld, grants: { id: string; role: string; action: string; environment: string; target?: string; resolves: string[]; issued: number; evidence: boolean }[]): ModelWorld {
  return {
    ...w,
    grants: [...w.grants, ...grants.map((g) => {
      const out: ModelGrant = { id: g.id, role: g.role, action: g.action, environment: g.environment, resolves: g.resolves, issued: g.issued, hasEvidence: g.evidence, auth: 'ok' };
      if (g.target !== undefined) out.target = g.target;
      return out;
    })],
  };
}

/**
 * SPEC 2.5's size: the fewest roles whose new grants (at `at`, for exactly the request, each
 * resolving every blocker, with evidence) allow the request; undefined when none does or there
 * are too many roles to search.
 */
export function smallestPlanSize(w: ModelWorld, r: ModelRequest): number | undefined {
  const requestTags = new Set([...(w.actionTags.get(r.action) ?? []), ...(w.environmentTags.get(r.environment) ?? [])]);
  const applicable = [...w.blockers.values()].filter((b) => b.tags.some((t) => requestTags.has(t)) && !w.resolved.has(b.id));
  const relevant = [...applicable, ...applicable.flatMap((b) => b.after.map((id) => w.blockers.get(id)).filter((p) => p !== undefined))];
  const roles = sortedUnique(relevant.flatMap((b) => b.roles));
  if (roles.length > 16) return undefined;
  const ids = [...w.blockers.keys()];
  const allows = (chosen: string[]) => decide(withGrants(w, chosen.map((role, i) => {
    const g: Parameters<typeof withGrants>[1][number] = { id: `plan-${i}`, role, action: r.action, environment: r.environment, resolves: ids, issued: r.at, evidence: true };
    if (r.target !== undefined) g.target = r.target;
    return g;
  })), r).allowed;
  // Smallest first: every subset of size k before any of size k + 1.
  for (let k = 0; k <= roles.length; k++) {
    for (const chosen of subsets(roles, k)) if (allows(chosen)) return k;
  }
  return undefined;
}

function* subsets<T>(items: readonly T[], k: number, from = 0): Generator<T[]> {
  if (k === 0) { yield []; return; }
  for (let i = from; i <= items.length - k; i++) {
    for (const rest of subsets(items, k - 1, i + 1)) yield [items[i]!, ...rest];
  }
}
