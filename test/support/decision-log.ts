// Decision-log fixtures shared by the file and table tests: a draft record, and two servers
// logging at once.
import { expect } from 'vitest';
import type { DecisionLogDraft } from '../../src/decision-log/record.js';
import { postJson, serve } from '../e2e/server-harness.js';

/** The n-th draft: even n allowed, odd n denied by B-1; `extra` overrides any field. */
export function decisionDraft(n: number, extra: Partial<DecisionLogDraft> = {}): DecisionLogDraft {
  return {
    decision_id: `d-${n}`,
    timestamp: '2026-11-25T12:00:00.000Z',
    request: { action: 'apply', environment: 'production', target: null, at: '2026-11-25T12:00:00.000Z' },
    allowed: n % 2 === 0,
    denials: n % 2 === 0 ? [] : ['B-1'],
    policy: { revision: 'rev', sha256: 'b'.repeat(64) },
    ledger_head: null,
    ...extra,
  };
}

/** Two `serve` instances over `inputs`, logging to `log`, asked 20 decisions each at once; every decision id. */
export async function logFromTwoServers(inputs: readonly string[], log: string, at: string): Promise<string[]> {
  const servers = [await serve([...inputs, '--decision-log', log], 120_000), await serve([...inputs, '--decision-log', log], 120_000)];
  const ids: string[] = [];
  try {
    const asks = servers.flatMap((s) => Array.from({ length: 20 }, (_, i) =>
      postJson(`${s.url}/v1/data/blockgate/decision`, { input: { action: i % 2 ? 'apply' : 'real-run', environment: i % 3 ? 'production' : 'staging', at } })));
    for (const { status, body } of await Promise.all(asks)) {
      expect(status).toBe(200);
      ids.push(body.decision_id);
    }
  } finally {
    for (const s of servers) expect(await s.stop()).toBe(0);
  }
  return ids;
}
