// What `validate` and `ledger verify` report: findings, each with a code from the closed set.

import type { FindingCode } from './errors.js';

/** What `validate` and `ledger verify` report. */
export interface Finding {
  severity: 'error' | 'warning';
  code: FindingCode;
  message: string;
}

export interface Report {
  /** "validate" or "ledger verify". */
  subject: string;
  valid: boolean;
  findings: Finding[];
  /** Facts to show beside the findings (e.g. entries read, the ledger head). */
  facts: Record<string, string | number | null>;
}

/** `validate --strict`: a warning is a problem too, so a report with one is not valid. */
export function strictReport(report: Report): Report {
  return report.valid && report.findings.some((f) => f.severity === 'warning') ? { ...report, valid: false } : report;
}
