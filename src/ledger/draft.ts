// A draft: the entry a user asks `ledger append` to sign, from flags or from a JSON file. Only
// the shape of what was given is checked here; the append checks the entry itself.

import { BlockgateError } from '../errors.js';
import { readInput, readInputFile, STDIN_PATH, type StdinReader } from '../load/files.js';
import { sha256Hex } from '../schema/canonical.js';
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
  /** A file to hash (SHA-256) for `evidence`, published at `evidenceUri`. */
  evidenceFile?: string;
  evidenceUri?: string;
}

const GRANT_ONLY_FLAGS = {
  action: '--action', env: '--env', target: '--target', resolves: '--resolves', expiresAt: '--expires-at', evidence: '--evidence',
  evidenceFile: '--evidence-file', evidenceUri: '--evidence-uri',
} as const;

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
    const evidence = [
      ...listOf(flags.evidence ?? []).map((item) => {
        // The digest never holds '=', a URI may: split at the last one.
        const at = item.lastIndexOf('=');
        if (at <= 0) usage(`--evidence "${item}": expected URI=SHA256`);
        return { uri: item.slice(0, at), sha256: item.slice(at + 1) };
      }),
      ...(flags.evidenceFile === undefined && flags.evidenceUri === undefined ? [] : [evidenceOfFile(flags.evidenceFile, flags.evidenceUri)]),
    ];
    if (flags.evidence !== undefined || evidence.length > 0) draft.evidence = evidence;
  }
  if (flags.note !== undefined) draft.note = flags.note;
  return draft;
}

/**
 * The `evidence` item for a file, hashed as it is now (SHA-256 of its bytes, read with the checked
 * reader). The URI is never guessed: a path on the signer's machine is no evidence anyone else
 * can fetch, so the file needs the --evidence-uri where it is published.
 */
export function evidenceOfFile(file: string | undefined, uri: string | undefined): { uri: string; sha256: string } {
  const usage = (message: string): never => {
    throw new BlockgateError('usage', message);
  };
  if (file === undefined) return usage('--evidence-uri names where an --evidence-file is published: give the file too (or --evidence URI=SHA256)');
  if (uri === undefined) return usage(`--evidence-file ${file} needs --evidence-uri: the URI where others can fetch it (a path on this machine is no evidence to anyone else)`);
  if (file === STDIN_PATH) return usage(`--evidence-file ${STDIN_PATH}: the evidence is hashed as a file; give its path`);
  if (uri === '') return usage(`--evidence-uri for ${file} is empty`);
  return { uri, sha256: sha256Hex(readInputFile(file, 'io')) };
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

/**
 * Several drafts from a JSON Lines file (`ledger append --entries FILE`, e.g. the output of `plan
 * --emit-ledger-template`), or standard input for `-`: one entry object per line, no blank line.
 * Each is named "FILE line N" in messages.
 */
export function readDrafts(path: string, stdin?: StdinReader): { drafts: DraftEntry[]; names: string[] } {
  const { text, name } = readInput(path, 'ledger-schema', stdin);
  return parseDraftLines(text, name);
}

export function parseDraftLines(text: string, file: string): { drafts: DraftEntry[]; names: string[] } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const drafts: DraftEntry[] = [];
  const names: string[] = [];
  lines.forEach((line, i) => {
    const where = `${file} line ${i + 1}`;
    if (line.trim() === '') throw new BlockgateError('ledger-schema', `${where}: a blank line; one entry per line, nothing was appended`, { file, line: i + 1 });
    const { value } = parseJson(line, file, { code: 'ledger-schema', lineOffset: i });
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new BlockgateError('ledger-schema', `${where}: an entry must be a JSON object; nothing was appended`, { file, line: i + 1 });
    }
    drafts.push(value as DraftEntry);
    names.push(where);
  });
  if (drafts.length === 0) throw new BlockgateError('ledger-schema', `${file}: no entry (the file is empty); nothing was appended`, { file });
  return { drafts, names };
}
