import type { CommandModule } from 'yargs';
import { BlockgateError } from '../../errors.js';
import { openGate, resolveTime } from '../../gate.js';
import { templateEntries } from '../../render/ledger-template.js';
import { formatTime } from '../../schema/time.js';
import { EXIT } from '../exit.js';
import { requestOf, withInputs, withRequest, type InputArgs, type RequestArgs } from '../options.js';
import { gateInputs, type Runner } from '../context.js';

type Args = InputArgs & RequestArgs & { 'emit-ledger-template': boolean };

export function planCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'plan',
    describe: 'the fewest new grants that would allow a request',
    builder: (y) => withRequest(withInputs(y, 'plan'))
      .option('emit-ledger-template', {
        type: 'boolean', default: false,
        describe: 'print the plan as unsigned ledger entries, JSON Lines: each line is ONE entry for '
          + '`blockgate ledger append --entry FILE` (save each line to its own file). Ids are PLAN-<role>-<n>, '
          + 'issued_at is the request time (--at). Where "evidence" is [], add [{"uri", "sha256"}] before appending: '
          + 'an empty list does not count as evidence',
      }) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('plan', 'plan');
      if (argv['emit-ledger-template'] && ctx.renderer.format !== 'text') {
        throw new BlockgateError('usage', `--emit-ledger-template prints JSON Lines; it does not go with --format ${ctx.renderer.format}`);
      }
      const gate = await openGate(gateInputs(ctx, argv));
      // One instant for the plan and the entries' issued_at, even when --at is absent (now).
      const at = resolveTime(argv.at);
      const plan = gate.plan({ ...requestOf(argv), at });
      if (!argv['emit-ledger-template']) return { output: render(plan, ctx.render), exitCode: EXIT.ok };

      const takenIds = new Set(gate.loaded.ledger.entries.map((e) => e.entry.id));
      const entries = templateEntries(plan, { issuedAt: formatTime(at), takenIds });
      // Guidance for the person goes to stderr; stdout holds the entries alone.
      const notes: string[] = [];
      if (plan.allowed) notes.push('nothing to grant: the request is already allowed');
      for (const u of plan.unresolvable) notes.push(`warning: ${u.blocker_id} cannot be closed by any grant (${u.reason}); these entries will not allow the request`);
      for (const e of entries) if (e.evidence) notes.push(`${e.id}: fill in "evidence" ([{"uri": ..., "sha256": <64 hex>}]) before appending`);
      if (notes.length > 0) ctx.io.stderr(`${notes.join('\n')}\n`);
      return { output: entries.map((e) => `${JSON.stringify(e)}\n`).join(''), exitCode: EXIT.ok };
    }),
  };
}
