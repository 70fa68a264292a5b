// Reading a what-if `--add` file (SPEC 3): JSON Lines of hypothetical entries, checked as the
// ledger's lines are by the ledger stage. `-` is standard input; nothing is parsed here.

import { readInput, type StdinReader } from '../load/files.js';

/** The text of an `--add` file and the name its messages use ("(stdin)" for `-`); unreadable is ledger-schema. */
export function readHypotheticalInput(path: string, stdin: StdinReader | undefined): { text: string; name: string } {
  return readInput(path, 'ledger-schema', stdin);
}
