// The decision log: one hash-chained JSON line per decision (in a file, or a PostgreSQL table), and its replay.

export { DecisionLog, appendDecision, type DecisionLogOptions } from './writer.js';
export { draftOfDecision, draftOfError, recordHash, type DecisionLogDraft, type DecisionLogRecord } from './record.js';
export { readDecisionLog, readDecisionLogFrom, parseDecisionLogText, type DecisionLogContents, type LoggedDecision, type LogProblem } from './reader.js';
export { replayDecisionLog, replayContents, type ReplayReport, type ReplayVerdict } from './replay.js';
