import { describe, expect, it } from 'vitest';
import type { SealedBundle } from '../engine/bundle.js';
import { CommandContext, type CliIO } from './context.js';

const io: CliIO = { stdout: () => undefined, stderr: () => undefined, isTTY: false, stderrIsTTY: false, env: {}, columns: 80 };

describe('a command\'s render context', () => {
  it('carries the bundle seal\'s rules, so a format can describe a rule without reading files', () => {
    const rules = { FREEZE: { file: 'rules/freeze.rego', title: 'Change freeze', description: 'No apply in a freeze.' } };
    const bundle = { seal: { rules } } as unknown as SealedBundle;
    const ctx = new CommandContext(io, 'sarif', bundle);
    expect(ctx.render).toEqual({ color: false, width: 80, rules });
  });
});
