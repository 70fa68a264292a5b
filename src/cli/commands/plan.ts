import type { CommandModule } from 'yargs';
import { BlockgateError } from '../../errors.js';
import { openGate } from '../../gate/gate.js';
import { ledgerTemplate, templateNotes } from '../../render/ledger-template.js';
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
      const gate = await openGate(gateInputs(ctx, argv), ctx.bundle);
      if (!argv['emit-ledger-template']) return { output: render(gate.plan(requestOf(argv)), ctx.render), exitCode: EXIT.ok };

      // One instant for the plan and the entries' issued_at, even when --at is absent (now).
      const template = gate.planTemplate(requestOf(argv));
      // Guidance for the person goes to stderr; stdout holds the entries alone.
      const notes = templateNotes(template);
      if (notes.length > 0) ctx.io.stderr(`${notes.join('\n')}\n`);
      return { output: ledgerTemplate(template), exitCode: EXIT.ok };
    }),
  };
}
