// A generated world, as plain JSON: what the differential test decides three ways, and what a
// counterexample fixture stores. Every time carries its instant (`ms`) beside the text written to
// the files, so the model never needs the host's time parser.

export interface TimeSpec {
  /** Epoch milliseconds: the instant the text denotes. */
  ms: number;
  /** RFC 3339 text as written in the ledger or passed as --at. */
  text: string;
}

export interface MapSpec {
  /** Written to the map file as is (blockers, resolved_in_this_macro, metadata). */
  doc: Record<string, unknown>;
}

export interface TrustKeySpec {
  id: string;
  /** As written in the trust file (any spelling). */
  role: string;
  /** Which deterministic key pair (see keys.ts). */
  seed: number;
  /** Who holds the key (SPEC 1.4); absent: the key is its own principal. */
  principal?: string;
}

/**
 * How an entry is signed: by the key pair `seed`, naming key `keyId`. A world always signs with
 * the key it names when the trust file has it: a signature that fails rejects the whole ledger
 * (SPEC 1.4, `ledger-signature`), so it is no decision to compare.
 */
export interface Signing { kind: 'key'; keyId: string; seed: number }

export interface EntrySpec {
  /** Entry fields as written (without seq, key, prev, sig); times as text. */
  fields: Record<string, unknown>;
  issued: TimeSpec;
  expires?: TimeSpec;
  signing: Signing;
  /** Field order when written, as a permutation seed (the hash must not depend on it). */
  order: number;
  /** Write non-ASCII characters as \u escapes on this line. */
  escapeUnicode: boolean;
}

export interface RequestSpec {
  action: string;
  environment: string;
  target?: string;
  at: TimeSpec;
}

export interface CatalogSpec {
  actions: Record<string, { tags: string[] }>;
  environments: Record<string, { tags: string[] }>;
}

export interface WorldSpec {
  /** null: the built-in catalog, no --catalog file. */
  catalog: CatalogSpec | null;
  maps: MapSpec[];
  trust: TrustKeySpec[];
  entries: EntrySpec[];
  /** false: --insecure-no-verify. */
  verify: boolean;
  requests: RequestSpec[];
  /**
   * What-if revokes (SPEC 3 `what-if --revoke ID`): the grant, revoked as if by its own role from
   * this instant. Absent in counterexamples saved before they existed.
   */
  whatIfRevokes?: WhatIfRevokeSpec[];
}

export interface WhatIfRevokeSpec {
  /** A grant id of `entries`. */
  grant: string;
  at: TimeSpec;
}

/** SPEC 1.3 defaults, written out again here so the model does not import the host's copy. */
export const SPEC_DEFAULT_CATALOG: CatalogSpec = {
  actions: {
    apply: { tags: ['apply'] }, cutover: { tags: ['cutover'] }, permit: { tags: ['permit'] },
    activation: { tags: ['activation'] }, repoint: { tags: ['repoint'] }, 'real-run': { tags: ['real-run'] },
    'ci-enforcement': { tags: ['production-ci'] },
  },
  environments: { production: { tags: ['production'] }, staging: { tags: [] }, development: { tags: [] } },
};

/** The catalog that applies to a world. */
export function catalogOf(world: WorldSpec): CatalogSpec {
  return world.catalog ?? SPEC_DEFAULT_CATALOG;
}
