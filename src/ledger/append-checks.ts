// What `ledger append` refuses although the ledger would take it: an entry that would not do what
// its author meant. The ledger is append-only, so a mistake written there can only be revoked;
// these checks catch it before. Each finding is an input error (exit 3) that `--force` lets through.

import { BlockgateError, type AppendRefusalCode, type Problem } from '../errors.js';
import type { Catalog } from '../inputs/catalog.js';
import type { BlockerSet } from '../inputs/maps.js';
import { normaliseRolePart } from '../schema/normalise.js';
import { didYouMean } from '../schema/closest-name.js';
import { quoted } from '../quote.js';
import { formatTime, parseTime } from '../schema/time.js';
import type { DraftEntry } from './draft.js';
import type { Ledger, VerifiedEntry } from './ledger.js';

/** `--max-skew` by default: how far `issued_at` may lie from the clock, either way. */
export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration such as `30s`, `5m`, `2h` or `1d` (a whole number and a unit), in milliseconds. */
export function parseDuration(text: string, what = '--max-skew'): number {
  const m = /^(\d{1,9})(ms|s|m|h|d)$/.exec(text);
  if (!m) throw new BlockgateError('usage', `${what} ${quoted(text)}: expected a whole number and a unit (ms, s, m, h or d), e.g. 5m`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** A duration as a person reads it: in the largest unit that divides it, else its two largest parts ("12d7h", "1m2s"). */
export function formatDuration(ms: number): string {
  const units = ['d', 'h', 'm', 's'] as const;
  for (const unit of units) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  if (ms < 1000) return `${ms}ms`;
  let rest = Math.round(ms / 1000) * 1000;
  const parts: string[] = [];
  for (const unit of units) {
    const n = Math.floor(rest / UNIT_MS[unit]);
    rest -= n * UNIT_MS[unit];
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
  }
  return parts.slice(0, 2).filter((p) => !p.startsWith('0')).join('') || parts[0]!;
}

/** What the entries are checked against: the catalog, the maps when given, and the clock. */
export interface AppendCheckContext {
  catalog: Catalog;
  /** The catalog file, for messages; absent: the built-in catalog. */
  catalogFile?: string | undefined;
  /** The blockers of the given maps; null when no map was given (resolves cannot be checked). */
  blockers: BlockerSet | null;
  /** Epoch milliseconds: the clock. */
  now: number;
  maxSkewMs: number;
}

function refusal(code: AppendRefusalCode, where: string, message: string): Problem {
  return { code, message: `${where}: ${message}`, file: where };
}

/**
 * The refusals for one completed entry (key, role and issued_at filled in) that need no ledger:
 * its names, its blocker ids and its times. Fields of the wrong type are left to the ledger
 * reader, which names them.
 */
export function entryRefusals(fields: DraftEntry, where: string, ctx: AppendCheckContext): Problem[] {
  const out: Problem[] = [];
  const id = typeof fields.id === 'string' ? `${fields.type === 'revoke' ? 'revoke' : 'grant'} ${quoted(fields.id)}` : 'the entry';
  const catalogName = ctx.catalogFile ?? 'the built-in catalog';
  if (fields.type === 'grant') {
    const names = [['action', fields.action, ctx.catalog.actions], ['environment', fields.environment, ctx.catalog.environments]] as const;
    for (const [what, value, known] of names) {
      if (typeof value === 'string' && !Object.hasOwn(known, value)) {
        out.push(refusal('append-unknown-name', where,
          `${id}: ${what} ${quoted(value)} is not in ${catalogName}${didYouMean(value, Object.keys(known))}; known: ${Object.keys(known).join(', ')}`));
      }
    }
    if (ctx.blockers !== null && Array.isArray(fields.resolves)) {
      const known = new Set([...ctx.blockers.blockers.keys(), ...ctx.blockers.resolved.keys()]);
      for (const blocker of fields.resolves) {
        if (typeof blocker === 'string' && !known.has(blocker)) {
          out.push(refusal('append-unknown-blocker', where,
            `${id}: resolves ${quoted(blocker)}, which no given map has${didYouMean(blocker, known)}; the grant would close nothing`));
        }
      }
    }
  }
  out.push(...timeRefusals(fields, where, id, ctx));
  return out;
}

function timeRefusals(fields: DraftEntry, where: string, id: string, ctx: AppendCheckContext): Problem[] {
  const issued = typeof fields.issued_at === 'string' ? parseTime(fields.issued_at) : undefined;
  if (issued === undefined) return [];
  const out: Problem[] = [];
  const expires = fields.type === 'grant' && typeof fields.expires_at === 'string' ? parseTime(fields.expires_at) : undefined;
  if (expires !== undefined && expires <= issued) {
    out.push(refusal('append-bad-time', where, `${id}: expires_at ${fields.expires_at as string} is not after its issued_at ${fields.issued_at as string}: the grant would never be in force`));
  } else if (expires !== undefined && expires <= ctx.now) {
    out.push(refusal('append-bad-time', where, `${id}: expires_at ${fields.expires_at as string} has passed (now ${formatTime(ctx.now)}): the grant would be expired from the start`));
  }
  const skew = issued - ctx.now;
  if (Math.abs(skew) > ctx.maxSkewMs) {
    const side = skew > 0 ? 'ahead of' : 'behind';
    out.push(refusal('append-bad-time', where,
      `${id}: issued_at ${fields.issued_at as string} is ${formatDuration(Math.abs(skew))} ${side} the clock (now ${formatTime(ctx.now)}), more than --max-skew ${formatDuration(ctx.maxSkewMs)}; `
      + 'leave issued_at out to issue it now, or give a larger --max-skew'));
  }
  return out;
}

/**
 * Ids already used, in the ledger or by an earlier new entry (an integrity error, which --force
 * never lets through), said before the ledger reader would, so the message names the entry.
 */
export function idsAlreadyUsed(current: Ledger, entries: readonly DraftEntry[], names: readonly string[]): Problem[] {
  const out: Problem[] = [];
  const used = new Map<string, string>(current.entries.map((e) => [e.entry.id, `line ${e.line} of ${current.file}`]));
  entries.forEach((fields, i) => {
    if (typeof fields.id !== 'string') return;
    const earlier = used.get(fields.id);
    if (earlier === undefined) used.set(fields.id, names[i]!);
    else out.push({ code: 'ledger-duplicate-id', message: `${names[i]!}: id ${quoted(fields.id)} is already used (${earlier}); give the entry another id; nothing was appended`, file: names[i]! });
  });
  return out;
}

/**
 * Revokes among the new entries (read back, so valid) that would not take effect: signed by
 * another role than their grant's, past the grant's expiry, or, without a trust file, by a key
 * that could not be checked. `hasTrust`: whether the signing key was checked against one.
 */
export function revokesWithoutEffect(current: Ledger, stored: readonly VerifiedEntry[], names: readonly string[], hasTrust: boolean): Problem[] {
  const grants = new Map<string, DraftEntry>();
  for (const e of [...current.entries, ...stored]) if (e.entry.type === 'grant') grants.set(e.entry.id, e.entry as unknown as DraftEntry);
  return stored.flatMap((e, i) => (e.entry.type === 'revoke' ? revokeRefusals(e.entry as unknown as DraftEntry, names[i]!, grants, hasTrust) : []));
}

function revokeRefusals(revoke: DraftEntry, where: string, grants: ReadonlyMap<string, DraftEntry>, hasTrust: boolean): Problem[] {
  const id = `revoke ${quoted(String(revoke.id))}`;
  const out: Problem[] = [];
  if (!hasTrust) {
    out.push(refusal('append-without-effect', where,
      `${id}: without --trust it cannot be checked that its key is trusted, and a revoke by an unknown key is ignored (the grant stays in force); give --trust`));
  }
  const grant = typeof revoke.revokes === 'string' ? grants.get(revoke.revokes) : undefined;
  // No such grant: the ledger reader refuses it (ledger-dangling-revoke).
  if (grant === undefined) return out;
  const grantRole = String(grant.role);
  if (typeof revoke.role === 'string' && normaliseRolePart(revoke.role) !== normaliseRolePart(grantRole)) {
    out.push(refusal('append-without-effect', where,
      `${id}: revokes grant ${quoted(String(grant.id))}, granted by role ${quoted(grantRole)}, but is signed by role ${quoted(revoke.role)}; `
      + `only a revoke of the grant's own role takes effect (SPEC 2.1): sign it with a key of role ${quoted(grantRole)}`));
  }
  const expires = typeof grant.expires_at === 'string' ? parseTime(grant.expires_at) : undefined;
  const issued = typeof revoke.issued_at === 'string' ? parseTime(revoke.issued_at) : undefined;
  if (expires !== undefined && issued !== undefined && expires <= issued) {
    out.push(refusal('append-without-effect', where, `${id}: grant ${quoted(String(grant.id))} expired at ${grant.expires_at as string}, before this revoke's issued_at ${revoke.issued_at as string}: there is nothing left to revoke`));
  }
  return out;
}
