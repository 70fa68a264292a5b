import type { CommandModule } from 'yargs';
import { BlockgateError } from '../../errors.js';
import { openGate } from '../../gate/gate.js';
import { readDecisionLogFrom } from '../../decision-log/reader.js';
import { replayContents, type ReplayVerdict } from '../../decision-log/replay.js';
import { EXIT, type ExitCode } from '../exit.js';
import { withInputs, type InputArgs } from '../options.js';
import { gateInputs, refuseStdinFor, type Runner } from '../context.js';

type Args = InputArgs & { file: string };

/** 0 every decision still matches; 2 some no longer match; 3 the log or the ledger was tampered with. */
const EXIT_FOR_VERDICT: Record<ReplayVerdict, ExitCode> = { match: EXIT.ok, changed: EXIT.denied, broken: EXIT.invalid };

export function replayCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'replay <file>',
    describe: 'decide every logged decision again over the ledger prefix it saw: exit 0 all match, 2 some changed, 3 log chain or ledger broken',
    builder: (y) => withInputs(y, 'report')
      .positional('file', { type: 'string', demandOption: true, describe: 'decision log written by --decision-log: a file, or a postgresql:// URL' }) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('report', 'replay');
      // The log is read by file or URL, and standard input may already hold a map.
      refuseStdinFor({ file: argv.file }, 'replay reads the decision log as a file or a postgresql:// URL');
      if (argv.file === '') throw new BlockgateError('usage', 'replay needs the decision log as a file (standard input is not read)');
      const gate = await openGate(gateInputs(ctx, argv), ctx.bundle);
      const report = replayContents(gate, await readDecisionLogFrom(argv.file));
      return { output: render(report, ctx.render), exitCode: EXIT_FOR_VERDICT[report.verdict] };
    }),
  };
}
