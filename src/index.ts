// blockgate's library API: open a gate over blocker maps and a ledger, then ask it.

export { openGate, Gate } from './gate/gate.js';
export { checkRequest, type CheckOptions, type CheckAnswer } from './check.js';
export { resolveRequest, resolveTime } from './gate/request.js';
export { briefDecision } from './gate/decision.js';
export type {
  GateOptions, Request, RequestEcho, Decision, BriefDecision, DecisionWithHead, Plan, MatrixRow, MatrixChange, MatrixCell, MatrixOptions, WhatIf,
  WhatIfOptions, PolicyInfo, BlockerInfo, Readiness, ReadinessReport, WhatIfReadiness, ProgressListener, PlanTemplate, TemplateEntry,
} from './gate/types.js';
export { readSealedBundle } from './engine/bundle.js';
export type { SealedBundle, Seal } from './engine/bundle.js';
export type { LedgerHead } from './ledger/ledger.js';
export {
  appendEntry, appendEntryFromFiles, buildDraft, readDraft, readHead, generateKeyFiles, verifyLedger, initLedger, importLedger, exportLedger,
} from './ledger/index.js';
export type {
  AppendRequest, AppendFromFilesRequest, AppendResult, DraftEntry, DraftFlags, HeadReport, HeadSources, KeygenRequest, KeygenResult,
} from './ledger/index.js';
export { appendChecked, type CheckedAppendRequest, type CheckedAppendResult } from './gate/ledger-append.js';
export { readDrafts, parseDuration, DEFAULT_MAX_SKEW_MS } from './ledger/index.js';
export type { StdinReader } from './load/files.js';
export type {
  Denial, SatisfiedBlocker, IgnoredGrant, Warning, PlannedGrant, Unresolvable, LintFinding,
} from './engine/results.js';
export { validateInputs } from './validate.js';
export {
  DecisionLog, appendDecision, draftOfDecision, draftOfError, readDecisionLog, readDecisionLogFrom, replayDecisionLog, replayContents,
} from './decision-log/index.js';
export type {
  DecisionLogDraft, DecisionLogRecord, DecisionLogContents, LogProblem, ReplayReport, ReplayVerdict,
} from './decision-log/index.js';
export { BlockgateError, isInputError } from './errors.js';
export type {
  ErrorCode, InputErrorCode, FailureCode, Problem, FindingCode, IgnoredEntryCode, LintCode, WarningCode, DecisionLogCode,
} from './errors.js';
export { getRenderer, FORMATS } from './render/index.js';
export type { Renderer, RenderContext, Report, Finding } from './render/index.js';
