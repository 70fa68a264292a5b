// The official OPA TypeScript client against a running `blockgate serve`: the same decisions,
// plans and matrix as the command line gives.
import { OPAClient } from '@open-policy-agent/opa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockgate } from '../support/cli.js';
import { AT, serve, workspace, type Served, type Workspace } from './server-harness.js';

let w: Workspace;
let server: Served;
let opa: OPAClient;

beforeAll(async () => {
  w = workspace();
  server = await serve(w.inputs);
  opa = new OPAClient(server.url);
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

const ACTIONS = ['activation', 'apply', 'ci-enforcement', 'cutover', 'permit', 'real-run', 'repoint'];
const ENVIRONMENTS = ['development', 'production', 'staging'];

describe('the OPA client against blockgate serve', () => {
  it('gets the decision `check --format json` gives, for every action and environment', async () => {
    const cells = ACTIONS.flatMap((action) => ENVIRONMENTS.map((environment) => ({ action, environment })));
    let allowed = 0;
    for (const { action, environment } of cells) {
      const { code, json, stderr } = await blockgate(['check', ...w.inputs, '--action', action, '--env', environment, '--at', AT, '--format', 'json']);
      expect([0, 2], `${action}@${environment}: ${stderr}`).toContain(code);
      const result = await opa.evaluate<Record<string, string>, { allowed: boolean }>('blockgate/decision', { action, environment, at: AT });
      expect(result).toEqual(json);
      expect(code).toBe(result.allowed ? 0 : 2);
      if (result.allowed) allowed++;
    }
    expect(allowed).toBeGreaterThan(0);
  }, 120_000);

  it('gets the same decision for a target, and the same plan and matrix', { timeout: 60_000 }, async () => {
    const input = { action: 'apply', environment: 'production', target: 'QT001', at: AT };
    const flags = ['--action', 'apply', '--env', 'production', '--target', 'QT001', '--at', AT, '--format', 'json'];
    expect(await opa.evaluate('blockgate/decision', input)).toEqual((await blockgate(['check', ...w.inputs, ...flags])).json);
    expect(await opa.evaluate('blockgate/plan', input)).toEqual((await blockgate(['plan', ...w.inputs, ...flags])).json);
    const matrix = await blockgate(['matrix', ...w.inputs, '--at', AT, '--format', 'json']);
    expect(await opa.evaluate('blockgate/matrix', { at: AT })).toEqual(matrix.json);
  });

  it('surfaces an invalid request as the client\'s error, with the blockgate code in the message', async () => {
    const error = await opa.evaluate('blockgate/decision', { action: 'fly', environment: 'production' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ClientError', code: 'invalid_parameter', message: expect.stringMatching(/^unknown-action: unknown action 'fly'/) });
  });
});
