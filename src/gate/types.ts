// The library's public shapes: what goes into a gate, and what comes out of it (SPEC 3's
// objects, keys in SPEC order). Nothing here runs; every module of the gate shares these.

import type { StdinReader } from '../load/files.js';
import type { LedgerHead } from '../ledger/ledger.js';
import type {
  Denial, IgnoredGrant, PlannedGrant, PrerequisitesMetAt, SatisfiedBlocker, Unresolvable, Warning,
} from '../engine/results.js';

export interface GateOptions {
  /** Blocker map paths or glob patterns (at least one). */
  blockers: string[];
  ledger?: string;
  trust?: string;
  catalog?: string;
  /** Count every ledger entry with its own role, without checking signatures. */
  insecureNoVerify?: boolean;
  /** A head seen before ("SEQ:HASH", from `ledger head`): refuse a ledger that no longer contains it. */
  ledgerHead?: string;
  /** Where bundle.tar.gz and seal.json are (the package's bundles/, or `blockgate build --out`); the package's by default. Read and checked on every load. */
  bundleDir?: string;
  /** A PEM public key or certificate file: the bundle's OPA signature is then mandatory. */
  bundleKey?: string;
  /** What a blockers entry `-` reads: standard input's text or bytes. Read once per gate; a reload reuses it. */
  stdin?: StdinReader;
}

export interface Request {
  action: string;
  environment: string;
  target?: string | null;
  /** RFC 3339 text, a Date, or epoch milliseconds; now when absent. */
  at?: string | Date | number;
}

export interface RequestEcho { action: string; environment: string; target: string | null; at: string }
export interface PolicyInfo { revision: string; sha256: string }

/** SPEC 3 `check --format json`, keys in SPEC order. */
export interface Decision {
  allowed: boolean;
  request: RequestEcho;
  denials: Denial[];
  satisfied: SatisfiedBlocker[];
  ignored_grants: IgnoredGrant[];
  warnings: Warning[];
  policy: PolicyInfo;
}

/**
 * A decision without its long lists (server `?answer=brief`, briefDecision): the denials and
 * warnings as in Decision, the satisfied blockers and ignored grants only counted.
 */
export interface BriefDecision {
  allowed: boolean;
  request: RequestEcho;
  denials: Denial[];
  counts: { satisfied: number; ignored_grants: number };
  warnings: Warning[];
  policy: PolicyInfo;
}

/** A decision with the ledger head it was made over: both from one loaded state. */
export interface DecisionWithHead {
  decision: Decision;
  /** The last ledger entry the decision saw; null for an empty ledger. */
  ledgerHead: LedgerHead | null;
  /** When the prerequisites of each blocker denied for a too-early grant were met (the text says it; not in SPEC 3's decision). */
  prerequisitesMetAt?: PrerequisitesMetAt;
}

export interface Plan {
  allowed: boolean;
  grants_needed: PlannedGrant[];
  unresolvable: Unresolvable[];
}

export interface MatrixRow { action: string; environment: string; allowed: boolean; denials: string[] }

/** A what-if cell whose `allowed` or whose set of denying blocker ids differs (SPEC 3). */
export interface MatrixChange {
  action: string;
  environment: string;
  target: string | null;
  before: boolean;
  after: boolean;
  /** Ids denying after but not before, in the policy's order. */
  denials_added: string[];
  /** Ids denying before but not after, in the policy's order. */
  denials_removed: string[];
}
export interface WhatIf { before: MatrixRow[]; after: MatrixRow[]; changes: MatrixChange[] }

/** Which cells a matrix decides (SPEC 3 `matrix --target/--action/--env`). */
export interface MatrixOptions {
  at?: Request['at'];
  /** Every cell is decided for this target; none when absent or null. */
  target?: string | null;
  /** Only these catalog actions (every one when absent); an unknown name is unknown-action. */
  actions?: string[];
  /** Only these catalog environments (every one when absent); an unknown name is unknown-environment. */
  environments?: string[];
}

/** One cell of a matrix: the request it decides. */
export interface MatrixCell { action: string; environment: string; target: string | null; at: number }

export interface WhatIfOptions extends MatrixOptions {
  /** A JSON Lines file of hypothetical entries (SPEC 3 what-if); `-` is the gate's standard input. */
  add?: string;
  /** Grant ids to revoke hypothetically, each by the grant's own role at `at`. */
  revoke?: string[];
}

/**
 * A blocker as its map defines it: what a format can show beside a decision's blocker ids. The
 * fields it shares with a denial mean the same, in the same order (`actor_needed` as written,
 * `blocks` and `required_roles` sorted by UTF-8 bytes, as the policy sorts them).
 */
export interface BlockerInfo extends Pick<Denial, 'item' | 'next_action' | 'actor_needed' | 'blocks' | 'required_roles' | 'mode' | 'source'> {
  id: string;
  evidence_required: boolean;
  /** Prerequisite blocker ids (SPEC 2.3). */
  after: string[];
  /** Its line in the map, when known. */
  line?: number;
}

/** How far a long run is: `done` of `total` cells finished in a phase ("deciding", "planning"). */
export type ProgressListener = (phase: string, done: number, total: number) => void;

/** The matrix with everything the formats show beside its rows, from one loaded state. */
export interface Readiness {
  /** The instant every cell was decided at (RFC 3339). */
  at: string;
  policy: PolicyInfo;
  rows: MatrixRow[];
  /** The full decision behind each row, in row order. */
  decisions: Decision[];
  /** Every loaded blocker, sorted by id (UTF-8 bytes). */
  blockers: BlockerInfo[];
}

/** A what-if with what the formats show beside it: the policy and the loaded blockers. */
export interface WhatIfReadiness extends WhatIf {
  at: string;
  policy: PolicyInfo;
  blockers: BlockerInfo[];
}

/** Everything `blockgate report` shows: the readiness of every cell at one time, with plans. */
export interface ReadinessReport extends Readiness {
  /** The blocker map files. */
  maps: string[];
  ledger: { file: string | null; entries: number; verified: boolean };
  /** The plan for each denied row, in row order; null for an allowed row. */
  plans: (Plan | null)[];
}

/** One unsigned ledger entry of a plan: what `ledger append --entry FILE` and `what-if --add` take. */
export interface TemplateEntry {
  id: string;
  type: 'grant';
  role: string;
  issued_at: string;
  action: string;
  environment: string;
  target?: string;
  resolves: string[];
  /** Present (empty, to be filled) only when a blocker it resolves requires evidence. */
  evidence?: { uri: string; sha256: string }[];
}

/** A plan and the same grants as unsigned entries, all at one instant (`plan --emit-ledger-template`). */
export interface PlanTemplate {
  plan: Plan;
  entries: TemplateEntry[];
}
