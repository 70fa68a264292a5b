// The decision log in a PostgreSQL table: this process's own chain (its instance id on every
// row), so servers sharing the table never wait for each other. The chain's tail is kept in
// memory, since no one else writes this instance's rows; after a failed write it is read back,
// because an INSERT whose answer was lost may still have committed.

import { DecisionTable } from '../postgres/decision-log-table.js';
import { chainAfter, EMPTY_CHAIN, tailOfLine, type ChainTail, type DecisionLogDraft, type DecisionLogRecord } from './record.js';
import type { DecisionLogStore } from './writer.js';

export async function openTableStore(url: string): Promise<DecisionLogStore> {
  return new TableStore(await DecisionTable.open(url));
}

class TableStore implements DecisionLogStore {
  /** undefined: not known (a write failed) until read back from the table. A new instance has no rows. */
  private tail: ChainTail | undefined = EMPTY_CHAIN;

  constructor(private readonly table: DecisionTable) {}

  get name(): string {
    return this.table.name;
  }

  async write(drafts: DecisionLogDraft[]): Promise<DecisionLogRecord[]> {
    this.tail ??= await this.storedTail();
    const chain = chainAfter(this.tail, drafts);
    this.tail = undefined;
    await this.table.insert(chain.records.map((record, i) => ({ seq: record.seq, line: chain.lines[i]! })));
    this.tail = chain.tail;
    return chain.records;
  }

  close(): Promise<void> {
    return this.table.close();
  }

  private async storedTail(): Promise<ChainTail> {
    const row = await this.table.lastRow();
    return row === null ? EMPTY_CHAIN : tailOfLine(row.line, `${this.name} instance ${this.table.instance} seq ${row.seq}`);
  }
}
