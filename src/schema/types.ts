// Types of validated input documents, as they appear in files.

export interface Evidence { uri: string; sha256: string }

interface EntryBase {
  id: string;
  role: string;
  issued_at: string;
  note?: string;
}

export interface GrantFields extends EntryBase {
  type: 'grant';
  action: string;
  environment: string;
  target?: string;
  resolves: string[];
  expires_at?: string;
  evidence?: Evidence[];
}

export interface RevokeFields extends EntryBase {
  type: 'revoke';
  revokes: string;
}

/** The signed envelope every ledger line carries. */
export interface Envelope { seq: number; key: string; prev: string; sig: string }

export type EntryFields = GrantFields | RevokeFields;
export type LedgerEntry = EntryFields & Envelope;

export interface TrustKey { id: string; role: string; public_key: string; principal?: string }
export interface TrustFile { keys: TrustKey[] }

export interface CatalogFile {
  actions: Record<string, { tags: string[] }>;
  environments: Record<string, { tags: string[] }>;
}

export interface RawBlocker {
  id: string;
  actor_needed: string | string[];
  blocks: string | string[];
  item?: string;
  evidence?: string;
  next_action?: string;
  evidence_required?: boolean;
  after?: string[];
  [other: string]: unknown;
}

export interface BlockerMapFile {
  blockers: RawBlocker[];
  resolved_in_this_macro?: string[];
  [metadata: string]: unknown;
}
