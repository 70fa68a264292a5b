import type { CommandModule } from 'yargs';
import { testRules } from '../../rules/test.js';
import { EXIT } from '../exit.js';
import { withFormat } from '../options.js';
import { refuseStdinFor, type Runner } from '../context.js';

interface Args { rules: string; opa?: string; format: string }

/**
 * `blockgate test`: `opa test` over the rules with blockgate's policy and the blockgate.testing
 * helper. Exit 0 every test passed; 2 some failed (the rules were judged, as `check` judges a
 * request); 3 the rules do not load or compile (file and line); 1 no opa.
 */
export function testCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'test',
    describe: "run the rules' *_test.rego with opa test, beside blockgate's policy and the blockgate.testing helper: exit 0 all pass, 2 some fail, 3 bad rules, 1 no opa",
    builder: (y) => withFormat(y, 'data')
      .option('rules', { type: 'string', demandOption: true, describe: 'directory of rules and their *_test.rego' })
      .option('opa', { type: 'string', describe: 'the opa CLI to test with (default: opa on the PATH, else .tools/bin/opa)' }) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('data', 'test');
      refuseStdinFor({ rules: argv.rules, opa: argv.opa }, 'test reads files');
      const result = testRules({ rules: argv.rules, opa: argv.opa, env: ctx.io.env });
      const exitCode = result.passed ? EXIT.ok : EXIT.denied;
      // Text: opa's own report (each failure with its file and line, then PASS/FAIL counts).
      if (ctx.renderer.format === 'text') return { output: result.output.endsWith('\n') ? result.output : `${result.output}\n`, exitCode };
      return {
        output: render({ passed: result.passed, total: result.total, passes: result.passes, failures: result.total - result.passes, report: result.output }, ctx.render),
        exitCode,
      };
    }),
  };
}
