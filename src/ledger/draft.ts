// A draft: the entry a user asks `ledger append` to sign, from flags or from a JSON file. Only
// the shape of what was given is checked here; the append checks the entry itself.

import { BlockgateError } from '../errors.js';
import { readInput, type StdinReader } from '../load/files.js';
import { parseJson } from '../load/json.js';

/** An entry as a user writes it: entry fields, possibly without `role` or `issued_at`. */
export type DraftEntry = Record<string, unknown>;

/** `ledger append` flags, as the CLI parses them. */
export interface DraftFlags {
  type?: string;
  id?: string;
  role?: string;
  issuedAt?: string;
  action?: string;
  env?: string;
  target?: string;
  /** Blocker ids; each string may hold several, comma-separated. */
  resolves?: string | readonly string[];
  expiresAt?: string;
  /** Each `URI=SHA256`. */
  evidence?: string | readonly string[];
  revokes?: string;
  note?: string;
}

const GRANT_ONLY_FLAGS = { action: '--action', env: '--env', target: '--target', resolves: '--resolves', expiresAt: '--expires-at', evidence: '--evidence' } as const;

/** A draft from flags. Only flag mistakes are caught here; append checks the entry itself. */
export function buildDraft(flags: DraftFlags): DraftEntry {
  const usage = (message: string): never => {
    throw new BlockgateError('usage', message);
  };
  if (flags.type !== 'grant' && flags.type !== 'revoke') usage('--type must be grant or revoke');
  const draft: DraftEntry = { type: flags.type };
  if (flags.id !== undefined) draft.id = flags.id;
  if (flags.role !== undefined) draft.role = flags.role;
  if (flags.issuedAt !== undefined) draft.issued_at = flags.issuedAt;

  if (flags.type === 'revoke') {
    for (const [name, flag] of Object.entries(GRANT_ONLY_FLAGS)) {
      if (flags[name as keyof typeof GRANT_ONLY_FLAGS] !== undefined) usage(`${flag} is for grants, not revokes`);
    }
    if (flags.revokes !== undefined) draft.revokes = flags.revokes;
  } else {
    if (flags.revokes !== undefined) usage('--revokes is for revokes, not grants');
    if (flags.action !== undefined) draft.action = flags.action;
    if (flags.env !== undefined) draft.environment = flags.env;
    if (flags.target !== undefined) draft.target = flags.target;
    if (flags.resolves !== undefined) {
      draft.resolves = listOf(flags.resolves).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
    }
    if (flags.expiresAt !== undefined) draft.expires_at = flags.expiresAt;
    if (flags.evidence !== undefined) {
      draft.evidence = listOf(flags.evidence).map((item) => {
        // The digest never holds '=', a URI may: split at the last one.
        const at = item.lastIndexOf('=');
        if (at <= 0) usage(`--evidence "${item}": expected URI=SHA256`);
        return { uri: item.slice(0, at), sha256: item.slice(at + 1) };
      });
    }
  }
  if (flags.note !== undefined) draft.note = flags.note;
  return draft;
}

function listOf(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

/** A draft from a JSON file (`ledger append --entry FILE`), or standard input for `-`. */
export function readDraft(path: string, stdin?: StdinReader): DraftEntry {
  const { text, name } = readInput(path, 'ledger-schema', stdin);
  return parseDraftText(text, name);
}

export function parseDraftText(text: string, file: string): DraftEntry {
  const { value } = parseJson(text, file, { code: 'ledger-schema' });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BlockgateError('ledger-schema', `${file}: an entry must be a JSON object`, { file });
  }
  return value as DraftEntry;
}
