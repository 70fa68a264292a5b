// The policy's data document: inputs normalised, times as integers, indexed by id, built once
// per loaded state. Per decision only the request crosses into WASM. No decision is made here.

import type { BlockerSet, Blocker } from '../inputs/maps.js';
import type { Catalog } from '../inputs/catalog.js';
import type { EntryFields, Evidence } from '../schema/types.js';
import { isInstant, parseTime } from '../schema/time.js';
import { normaliseRolePart } from '../schema/normalise.js';
import { BlockgateError } from '../errors.js';
import { AUTHENTICITIES, type Authenticity } from '../ledger/ledger.js';

function isAuthenticity(auth: string): auth is Authenticity {
  return (AUTHENTICITIES as readonly string[]).includes(auth);
}

/** One ledger (or hypothetical) entry as the world needs it. */
export interface WorldEntry {
  /** With the ledger line's `key`; a what-if (`--add`) entry has none. */
  fields: EntryFields & { key?: string };
  /** The ledger reader's verdict; buildWorld takes only an Authenticity and refuses anything else. */
  auth: string;
  /** "grants.jsonl line 4": where the entry stands, for messages. */
  where: string;
  line: number;
}

export interface PolicyGrant {
  id: string;
  role: string;
  action: string;
  environment: string;
  target?: string;
  resolves: string[];
  issued_at: number;
  expires_at?: number;
  has_evidence: boolean;
  /** For rules (data.blockgate.view, SPEC 6): the evidence as written ([] when none). */
  evidence: Evidence[];
  /** The signing key's id; null for a what-if entry, which has no key. */
  key: string | null;
  /** Who holds the key (SPEC 1.4): the trust file's principal, else the key id; null when key is. */
  principal: string | null;
  auth: Authenticity;
  where: string;
  line: number;
}

export interface PolicyRevoke {
  id: string;
  role: string;
  revokes: string;
  issued_at: number;
  auth: Authenticity;
  where: string;
  line: number;
}

/**
 * A what-if revoke (SPEC 3 `what-if --revoke ID`) as the host hands it on: which grant, from when,
 * and where it was asked for. What it means (the grant revoked as if by its own role) is the policy's.
 */
export interface HypotheticalRevoke {
  grantId: string;
  /** Epoch milliseconds. */
  at: number;
  /** "--revoke \"G-1\"": where it was asked for, for messages. */
  where: string;
}

/** The world's form of a what-if revoke, indexed by its grant's id. */
export interface PolicyHypotheticalRevoke {
  issued_at: number;
  where: string;
}

export interface World {
  catalog: Catalog;
  blockers: Record<string, Blocker>;
  blockers_by_tag: Record<string, string[]>;
  /** Blocker id -> the map file that declared it resolved. */
  resolved: Record<string, string>;
  grants: Record<string, PolicyGrant>;
  grants_by_blocker: Record<string, string[]>;
  /**
   * Grant id -> its block in the byte order of all grant ids (Rego's string order), GRANT_SORT_BLOCK
   * ids a block. Lets the policy sort many grants block by block: OPA's WASM `sort` is an
   * insertion sort, quadratic in the length of what it sorts. Performance only.
   */
  grant_sort_block: Record<string, number>;
  revokes_by_grant: Record<string, PolicyRevoke[]>;
  /** Grant id -> its what-if revokes (none outside `what-if`). */
  hypothetical_revokes: Record<string, PolicyHypotheticalRevoke[]>;
  ledger: { verified: boolean };
  /** Roles that some trusted key holds; null when no trust file was given. */
  trusted_roles: string[] | null;
}

export interface WorldSources {
  blockers: BlockerSet;
  catalog: Catalog;
  entries: readonly WorldEntry[];
  verified: boolean;
  trustedRoles: readonly string[] | null;
  /** Key id -> principal (SPEC 1.4), from the trust file; a key not in it is its own principal. */
  principals?: ReadonlyMap<string, string> | null;
  /** What-if revokes of grants among `entries` (SPEC 3). */
  hypotheticalRevokes?: readonly HypotheticalRevoke[];
}

function time(text: string, where: string): number {
  const ms = parseTime(text);
  // Schemas check every time first; reaching this is a bug, and it must not decide anything.
  if (ms === undefined) throw new BlockgateError('bad-time', `${where}: "${text}" is not an RFC 3339 time with a time zone`);
  return ms;
}

/** Grants per sort block: small enough that sorting one is cheap, large enough to keep blocks few. */
const GRANT_SORT_BLOCK = 32;

/** Blocks in the order Rego compares strings: by UTF-8 bytes. */
function sortBlocks(ids: Iterable<string>): Record<string, number> {
  const keyed = [...ids].map((id) => ({ id, bytes: Buffer.from(id, 'utf8') }));
  keyed.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  return Object.fromEntries(keyed.map(({ id }, i) => [id, Math.floor(i / GRANT_SORT_BLOCK)]));
}

function push<K, V>(index: Map<K, V[]>, key: K, value: V): void {
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}

export function buildWorld(src: WorldSources): World {
  const byTag = new Map<string, string[]>();
  for (const blocker of src.blockers.blockers.values()) for (const tag of blocker.tags) push(byTag, tag, blocker.id);

  const grants = new Map<string, PolicyGrant>();
  const byBlocker = new Map<string, string[]>();
  const revokes = new Map<string, PolicyRevoke[]>();
  for (const { fields, auth, where, line } of src.entries) {
    // Any other verdict (a signature that did not verify) rejects the ledger before this point;
    // passed on, an ignored revoke would bring its grant back, so nothing is decided.
    if (!isAuthenticity(auth)) {
      throw new BlockgateError('internal', `${where}: entry ${fields.id} has authenticity "${auth}", which is no ignore reason (SPEC 1.4)`);
    }
    const role = normaliseRolePart(fields.role);
    if (fields.type === 'grant') {
      const grant: PolicyGrant = {
        id: fields.id, role, action: fields.action, environment: fields.environment,
        resolves: fields.resolves, issued_at: time(fields.issued_at, where),
        has_evidence: (fields.evidence?.length ?? 0) > 0, evidence: fields.evidence ?? [],
        key: fields.key ?? null, principal: fields.key === undefined ? null : (src.principals?.get(fields.key) ?? fields.key),
        auth, where, line,
      };
      if (fields.target !== undefined) grant.target = fields.target;
      if (fields.expires_at !== undefined) grant.expires_at = time(fields.expires_at, where);
      grants.set(fields.id, grant);
      for (const blockerId of new Set(fields.resolves)) push(byBlocker, blockerId, fields.id);
    } else {
      push(revokes, fields.revokes, {
        id: fields.id, role, revokes: fields.revokes, issued_at: time(fields.issued_at, where), auth, where, line,
      });
    }
  }

  const hypothetical = new Map<string, PolicyHypotheticalRevoke[]>();
  for (const { grantId, at, where } of src.hypotheticalRevokes ?? []) {
    // One naming no grant would change nothing, silently: refused like a dangling ledger revoke.
    if (!grants.has(grantId)) {
      throw new BlockgateError('ledger-dangling-revoke', `${where}: no grant with this id in the ledger or the --add file`);
    }
    if (!isInstant(at)) throw new BlockgateError('internal', `${where}: ${String(at)} is not an instant in epoch milliseconds`);
    push(hypothetical, grantId, { issued_at: at, where });
  }

  // Object.fromEntries defines own properties, so an id such as "__proto__" stays data.
  return {
    catalog: src.catalog,
    blockers: Object.fromEntries(src.blockers.blockers),
    blockers_by_tag: Object.fromEntries(byTag),
    resolved: Object.fromEntries(src.blockers.resolved),
    grants: Object.fromEntries(grants),
    grants_by_blocker: Object.fromEntries(byBlocker),
    grant_sort_block: sortBlocks(grants.keys()),
    revokes_by_grant: Object.fromEntries(revokes),
    hypothetical_revokes: Object.fromEntries(hypothetical),
    ledger: { verified: src.verified },
    trusted_roles: src.trustedRoles === null ? null : [...new Set(src.trustedRoles.map(normaliseRolePart))].sort(),
  };
}
