import type { CommandModule } from 'yargs';
import { catalogCells, matrixRow, openGate, resolveTime, type Decision, type Gate, type MatrixRow } from '../../gate.js';
import type { BlockerInfo } from '../../render/index.js';
import { progressLine, type Progress } from '../../render/progress.js';
import { EXIT } from '../exit.js';
import { withAt, withInputs, type InputArgs } from '../options.js';
import { gateInputs, type CliIO, type Runner } from '../context.js';

type Args = InputArgs & { at?: string };

/** Progress on stderr, only when stderr is a terminal (and TERM is not dumb). */
export function progressFor(io: CliIO): Progress {
  return progressLine({ write: (t) => io.stderr(t), enabled: io.stderrIsTTY && io.env.TERM !== 'dumb' });
}

/** The loaded blockers as the formats show them. */
export function blockerInfos(gate: Gate): Map<string, BlockerInfo> {
  const out = new Map<string, BlockerInfo>();
  const ids = [...gate.loaded.blockers.blockers.keys()].sort();
  for (const id of ids) {
    const b = gate.loaded.blockers.blockers.get(id)!;
    out.set(id, {
      id, item: b.item, next_action: b.next_action, actor_needed: b.actor_needed, blocks: [...b.tags].sort(),
      required_roles: [...b.roles].sort(), mode: b.mode, evidence_required: b.evidence_required, after: b.after,
      source: b.source, line: b.line,
    });
  }
  return out;
}

export interface Readiness { rows: MatrixRow[]; decisions: Decision[] }

/**
 * Every catalog action × environment at one instant, as Gate.matrix orders them, with each
 * cell's full decision (the CI formats show more than ids) and progress as cells are decided.
 */
export function decideEveryCell(gate: Gate, at: number, progress: Progress): Readiness {
  const cells = catalogCells(gate.loaded.catalog);
  const decisions = cells.map(({ action, environment }, i) => {
    const decision = gate.check({ action, environment, at });
    progress.update('deciding', i + 1, cells.length);
    return decision;
  });
  const rows = decisions.map((d) => matrixRow(d.request.action, d.request.environment, d));
  return { rows, decisions };
}

export function matrixCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'matrix',
    describe: 'decide every catalog action × environment',
    builder: (y) => withAt(withInputs(y, 'matrix')) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('matrix', 'matrix');
      const gate = await openGate(gateInputs(ctx, argv));
      const progress = progressFor(ctx.io);
      try {
        const { rows, decisions } = decideEveryCell(gate, resolveTime(argv.at), progress);
        return { output: render(rows, ctx.render, { blockers: blockerInfos(gate), decisions, policy: gate.policy }), exitCode: EXIT.ok };
      } finally {
        progress.end();
      }
    }),
  };
}
