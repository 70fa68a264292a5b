import type { CommandModule } from 'yargs';
import { buildRules } from '../../rules/build.js';
import { EXIT } from '../exit.js';
import { withFormat } from '../options.js';
import { refuseStdinFor, type Runner } from '../context.js';

interface Args { rules: string; out: string; opa?: string; 'signing-key'?: string; 'signing-alg'?: string; format: string }

/** `blockgate build` (SPEC 6): exit 0 built; 3 bad rules (opa's file and line); 1 no opa, a bad signing key, or a write failure. */
export function buildCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'build',
    describe: "compile a team's rules (package blockgate.rules) with blockgate's policy into one sealed bundle for --bundle: exit 0 built, 3 bad rules, 1 no opa",
    builder: (y) => withFormat(y, 'data')
      .option('rules', { type: 'string', demandOption: true, describe: 'directory of rules: *.rego in package blockgate.rules, their *_test.rego, data.json' })
      .option('out', { type: 'string', demandOption: true, describe: 'bundle directory to write (bundle.tar.gz and seal.json; created if missing)' })
      .option('opa', { type: 'string', describe: 'the opa CLI to compile with (default: opa on the PATH, else .tools/bin/opa)' })
      .option('signing-key', { type: 'string', describe: "PEM private key: sign the bundle with OPA's bundle signing (.signatures.json)" })
      .option('signing-alg', { type: 'string', describe: 'signing algorithm (RS256 ... ES512, PS*, EdDSA; default: the one that fits the key)' }) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('data', 'build');
      refuseStdinFor({ rules: argv.rules, out: argv.out, opa: argv.opa, 'signing-key': argv['signing-key'] }, 'build reads and writes files');
      const built = await buildRules({
        rules: argv.rules, out: argv.out, opa: argv.opa, signingKey: argv['signing-key'], signingAlg: argv['signing-alg'], env: ctx.io.env,
      });
      const { seal } = built;
      return {
        output: render({
          bundle: built.bundle, seal: built.sealPath, revision: seal.revision, sha256: seal.sha256, opa_version: seal.opa_version,
          rules: Object.keys(seal.rules), signed: seal.signed,
        }, ctx.render),
        exitCode: EXIT.ok,
      };
    }),
  };
}
