import { writeFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { BlockgateError } from '../../errors.js';
import { openGate } from '../../gate/gate.js';
import { getRenderer } from '../../render/index.js';
import { STDIN_PATH } from '../../load/files.js';
import { EXIT } from '../exit.js';
import { withAt, withInputs, type InputArgs } from '../options.js';
import { gateInputs, withProgress, type Runner } from '../context.js';

type Args = InputArgs & { at?: string; html: string };

function writeReport(file: string, html: string): void {
  try {
    writeFileSync(file, html, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new BlockgateError('io', `${file}: cannot write the report: ${why}`, { file });
  }
}

export function reportCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'report',
    describe: 'write the readiness of every action × environment, with denials, plans and prerequisites, as one self-contained HTML page',
    builder: (y) => withAt(withInputs(y, 'data'))
      .option('html', { type: 'string', demandOption: true, describe: 'the HTML file to write (replaced if it exists); - writes it to stdout' }) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('data', 'report');
      if (typeof argv.html !== 'string' || argv.html === '') throw new BlockgateError('usage', '--html needs a file name');
      const gate = await openGate(gateInputs(ctx, argv), ctx.bundle);
      const report = withProgress(ctx.io, (onProgress) => gate.report(argv.at, onProgress));
      const html = getRenderer('html').readiness!(report, ctx.render);
      // `--html -`: the page is the output, alone.
      if (argv.html === STDIN_PATH) return { output: html, exitCode: EXIT.ok };
      writeReport(argv.html, html);
      const allowed = report.rows.filter((r) => r.allowed).length;
      return {
        output: render({ report: argv.html, at: report.at, cells: report.rows.length, allowed, denied: report.rows.length - allowed }, ctx.render),
        exitCode: EXIT.ok,
      };
    }),
  };
}
