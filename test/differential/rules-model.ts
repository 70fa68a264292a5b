// The four example rules (examples/rules/README.md, SPEC 6), modelled in TypeScript from their
// README paragraphs and settings, not from their Rego: the third way for rule bundles. The
// blocker decision is model.ts's; a rule sees its satisfied blockers and their counting grants.
//
//   change-freeze         configured actions x environments inside a window [start, end)
//   separation-of-duties  a mode-all blocker of n >= 2 roles needs a matching of its roles to
//                         distinct principals (found here by augmenting paths, not subsets)
//   max-grant-lifetime    satisfied only thanks to grants without expires_at or longer than
//                         max_days: denied in deny_environments, warned of elsewhere
//   evidence-origin       every evidence URI of a counting grant: https on an allowed host

import { compareCodePoints, decide, sortedUnique, type ModelDecision, type ModelDenial, type ModelRequest, type ModelWarning, type ModelWorld, type Mutation } from './model.js';
import type { RulesConfig } from './rules-world.js';
import type { WorldSpec } from './world.js';

/** The file (base name) each rule id comes from. */
export const RULE_FILES: Record<string, string> = {
  'change-freeze': 'change_freeze.rego',
  'separation-of-duties': 'separation_of_duties.rego',
  'max-grant-lifetime': 'max_grant_lifetime.rego',
  'max-grant-lifetime-warning': 'max_grant_lifetime.rego',
  'evidence-origin': 'evidence_origin.rego',
};

interface RuleGrant { id: string; role: string; issued: number; expires: number | undefined; uris: string[]; principal: string }

/** What the rules read of each grant, from the generator's facts. */
function ruleGrants(spec: WorldSpec, model: ModelWorld): Map<string, RuleGrant> {
  const trustWritten = spec.verify || spec.trust.length > 0;
  const principalOf = (keyId: string) => (trustWritten ? spec.trust.find((k) => k.id === keyId)?.principal : undefined) ?? keyId;
  const out = new Map<string, RuleGrant>();
  for (const g of model.grants) {
    const entry = spec.entries.find((e) => e.fields.id === g.id && e.fields.type === 'grant')!;
    const evidence = (entry.fields.evidence as { uri: string }[] | undefined) ?? [];
    out.set(g.id, { id: g.id, role: g.role, issued: g.issued, expires: g.expires, uris: evidence.map((e) => e.uri), principal: principalOf(entry.signing.keyId) });
  }
  return out;
}

/** A time as the freeze's next action shows it: "2027-01-04 08:00 Europe/Berlin", seconds only when not zero. */
export function localTime(ms: number, zone: string): string {
  const parts = new Map(new Intl.DateTimeFormat('en-US', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const seconds = parts.get('second') === '00' ? '' : `:${parts.get('second')}`;
  return `${parts.get('year')}-${parts.get('month')}-${parts.get('day')} ${parts.get('hour')}:${parts.get('minute')}${seconds} ${zone}`;
}

/** README: https, the authority up to the first / ? #, no userinfo, an optional port of digits, the host on the list (any case). */
export function originAllowed(uri: string, hosts: string[]): boolean {
  if (uri.slice(0, 8).toLowerCase() !== 'https://') return false;
  const rest = uri.slice(8);
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  if (authority.includes('@')) return false;
  const colon = authority.indexOf(':');
  let host = authority;
  if (colon >= 0) {
    const port = authority.slice(colon + 1);
    if (!/^[0-9]+$/.test(port)) return false;
    host = authority.slice(0, colon);
  }
  return hosts.some((h) => h.toLowerCase() === host.toLowerCase());
}

/** Whether each role can be given its own principal (a complete matching, by augmenting paths). */
export function distinctHolders(roles: string[], holders: Map<string, Set<string>>): boolean {
  const holderOf = new Map<string, string>(); // principal -> the role it holds
  const place = (role: string, seen: Set<string>): boolean => {
    for (const p of holders.get(role) ?? []) {
      if (seen.has(p)) continue;
      seen.add(p);
      const other = holderOf.get(p);
      if (other === undefined || place(other, seen)) {
        holderOf.set(p, role);
        return true;
      }
    }
    return false;
  };
  return roles.every((role) => place(role, new Set()));
}

export interface RuleOutput { denials: { id: string; message: string; next_action: string | null }[]; warnings: { id: string; message: string }[] }

/** The four rules' deny and warn sets for one request, given the blocker decision. */
export function ruleOutput(spec: WorldSpec, model: ModelWorld, r: ModelRequest, blockers: ModelDecision, config: RulesConfig): RuleOutput {
  const grants = ruleGrants(spec, model);
  const denials: RuleOutput['denials'] = [];
  const warnings: RuleOutput['warnings'] = [];

  const freeze = config.change_freeze;
  if (freeze.actions.includes(r.action) && freeze.environments.includes(r.environment)) {
    for (const w of freeze.windows) {
      if (Date.parse(w.start) <= r.at && r.at < Date.parse(w.end)) {
        denials.push({
          id: 'change-freeze',
          message: `${r.action} in ${r.environment} is frozen by the change freeze "${w.name}" (${w.start} until ${w.end})`,
          next_action: `wait until ${localTime(Date.parse(w.end), w.time_zone)}, when the change freeze "${w.name}" ends`,
        });
      }
    }
  }

  const life = config.max_grant_lifetime;
  const maxMs = life.max_days * 86_400_000;
  const hosts = config.evidence_origin.hosts;
  for (const { blocker_id: id, grants: ids } of blockers.satisfied) {
    const b = model.blockers.get(id)!;
    const counting = ids.map((g) => grants.get(g)!);

    if (b.mode === 'all' && b.roles.length >= 2) {
      const holders = new Map(b.roles.map((role) => [role, new Set(counting.filter((g) => g.role === role).map((g) => g.principal))]));
      if (!distinctHolders(b.roles, holders)) {
        const from = b.roles.map((role) => `${role}: ${sortedUnique(holders.get(role)!).join(', ')}`).join('; ');
        denials.push({
          id: 'separation-of-duties',
          message: `blocker ${id} needs its ${b.roles.length} roles held by as many different principals, but its counting grants come from: ${from}`,
          next_action: `have a different principal grant one of ${b.roles.join(', ')} for ${id}`,
        });
      }
    }

    const long = counting.filter((g) => g.expires === undefined || g.expires - g.issued > maxMs);
    const shortRoles = new Set(counting.filter((g) => !long.includes(g)).map((g) => g.role));
    const stillMet = b.mode === 'all' ? b.roles.every((role) => shortRoles.has(role)) : b.roles.some((role) => shortRoles.has(role));
    if (long.length > 0 && !stillMet) {
      const named = [...long].sort((x, y) => compareCodePoints(x.id, y.id))
        .map((g) => (g.expires === undefined ? `${g.id} (no expires_at)` : `${g.id} (${g.expires - g.issued} ms)`));
      const message = `blocker ${id} is satisfied only by grants valid for longer than ${life.max_days} days: ${named.join(', ')}`;
      if (life.deny_environments.includes(r.environment)) {
        denials.push({
          id: 'max-grant-lifetime', message,
          next_action: `grant ${id} again (${b.roles.join(' + ')}) with an expires_at at most ${life.max_days} days after its issued_at`,
        });
      } else {
        warnings.push({ id: 'max-grant-lifetime-warning', message: `${message} (denied in ${sortedUnique(life.deny_environments).join(', ')})` });
      }
    }

    for (const g of counting) {
      for (const uri of g.uris) {
        if (originAllowed(uri, hosts)) continue;
        denials.push({
          id: 'evidence-origin',
          message: `grant ${g.id} (counting for ${id}) cites evidence at "${uri}", which is not an https URI on an allow-listed host`,
          next_action: `store the evidence on ${sortedUnique(hosts).join(' or ')} and issue grant ${g.id} again`,
        });
      }
    }
  }
  // deny and warn are sets: one entry per distinct object.
  const distinct = <T>(xs: T[]) => [...new Map(xs.map((x) => [JSON.stringify(x), x])).values()];
  return { denials: distinct(denials), warnings: distinct(warnings) };
}

/** The decision with the rules (SPEC 6): allowed iff the blockers allow and no rule denies. */
export function decideWithRules(spec: WorldSpec, model: ModelWorld, r: ModelRequest, config: RulesConfig, mutation: Mutation = 'none'): ModelDecision {
  const blockers = decide(model, r, mutation);
  const rules = ruleOutput(spec, model, r, blockers, config);
  const ruleDenials: ModelDenial[] = rules.denials.map((d) => ({
    kind: 'rule', blocker_id: d.id, item: d.message, next_action: d.next_action, actor_needed: null, source: RULE_FILES[d.id]!,
    blocks: [], required_roles: [], mode: null, missing_roles: [], reasons: ['rule'],
  }));
  const denials = [...blockers.denials.map((d) => ({ ...d, kind: d.kind ?? 'blocker' })), ...ruleDenials].sort((a, b) => compareCodePoints(a.blocker_id, b.blocker_id)
    || compareCodePoints(a.item ?? '', b.item ?? '') || compareCodePoints(a.next_action ?? '', b.next_action ?? ''));
  const warnings: ModelWarning[] = [...blockers.warnings, ...rules.warnings.map((w) => ({ code: w.id, key: w.message }))]
    .sort((a, b) => compareCodePoints(a.code, b.code) || compareCodePoints(a.key, b.key));
  return { ...blockers, allowed: blockers.allowed && ruleDenials.length === 0, denials, warnings };
}
