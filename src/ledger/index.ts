// The grant ledger as the library offers it: appending an entry, its head, verifying it, keys.

export { appendEntry, appendEntries, appendEntryFromFiles, type AppendRequest, type AppendManyRequest, type AppendFromFilesRequest, type AppendResult } from './append.js';
export { DEFAULT_MAX_SKEW_MS, parseDuration } from './append-checks.js';
export { buildDraft, readDraft, readDrafts, type DraftEntry, type DraftFlags } from './draft.js';
export { readHead, type HeadReport, type HeadSources } from './head.js';
export { generateKeyFiles, type KeygenRequest, type KeygenResult } from './keygen.js';
export { verifyLedger } from './verify.js';
export { exportLedger, importLedger, initLedger, ledgerStore, type LedgerStore, type LedgerSnapshot } from './store.js';
