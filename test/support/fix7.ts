// The fix7 fixture (a blocker map, its signed ledger and the test-only trust file) as gate options.
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const FIX7 = {
  blockers: [`${ROOT}fixtures/fix7/production-readiness-blocker-map.json`],
  ledger: `${ROOT}fixtures/fix7/grants.jsonl`,
  trust: `${ROOT}fixtures/trust.test-only.json`,
};

/** An instant at which fix7's ledger denies apply@production by one blocker only. */
export const AT = '2026-11-25T12:00:00Z';
