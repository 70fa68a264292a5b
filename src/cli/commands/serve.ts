import type { CommandModule } from 'yargs';
import { BlockgateError } from '../../errors.js';
import type { ServerEvent } from '../../server/serve.js';
import { DEFAULT_BODY_LIMIT, DEFAULT_HOST, DEFAULT_PORT } from '../../server/defaults.js';
import { EXIT } from '../exit.js';
import { gateOptions, withDecisionLog, withInputs, type DecisionLogArgs, type InputArgs } from '../options.js';
import { refuseStdinFor, type Runner } from '../context.js';

type Args = InputArgs & DecisionLogArgs & { host: string; port: number; 'body-limit': number };

function eventLine(e: ServerEvent): string {
  switch (e.type) {
    case 'reloaded': return `${e.at} inputs reloaded (ledger head ${e.ledgerHead ?? 'none'})`;
    case 'invalid': return `${e.at} inputs invalid, every decision is denied until they are fixed: ${e.code}: ${e.message}`;
    case 'internal-error': return `${e.at} internal error: ${e.message}`;
  }
}

export function serveCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'serve',
    describe: 'answer decisions over HTTP (OPA Data API), reloading the inputs when they change',
    builder: (y) => withDecisionLog(withInputs(y, 'data'))
      .option('host', { type: 'string', default: DEFAULT_HOST, describe: 'address to listen on (loopback by default)' })
      .option('port', { type: 'number', default: DEFAULT_PORT, describe: 'port to listen on (0: any free port)' })
      .option('body-limit', { type: 'number', default: DEFAULT_BODY_LIMIT, describe: 'largest request body in bytes (larger: 413)' }) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('data', 'serve');
      const port = argv.port;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BlockgateError('usage', `--port must be a whole number from 0 to 65535 (got ${String(port)})`);
      const bodyLimit = argv['body-limit'];
      if (!Number.isSafeInteger(bodyLimit) || bodyLimit < 1) throw new BlockgateError('usage', `--body-limit must be a positive whole number of bytes (got ${String(bodyLimit)})`);
      // The server reads its inputs again on every change; standard input can be read only once.
      refuseStdinFor({
        blockers: argv.blockers, ledger: argv.ledger, trust: argv.trust, catalog: argv.catalog, 'decision-log': argv['decision-log'],
      }, 'serve reads its inputs again whenever they change, and standard input can be read only once');
      const options = {
        gate: gateOptions(argv), bundle: ctx.bundle, host: argv.host, port, bodyLimit,
        onEvent: (e: ServerEvent) => ctx.io.stderr(`${eventLine(e)}\n`),
        ...(argv['decision-log'] === undefined ? {} : { decisionLog: argv['decision-log'] }),
      };
      // Loaded here, not at start-up: every other command is spared fastify.
      const { startServer } = await import('../../server/serve.js');
      const server = await startServer(options);
      const { gate } = server.live.status.ready ? server.live.status : { gate: undefined };
      // Shown at once (the command runs until stopped); with --format json, the one object.
      const shown: Record<string, unknown> = { listening: server.url };
      if (gate) Object.assign(shown, { policy: gate.policy, ledger_head: gate.ledgerHead });
      if (argv['decision-log'] !== undefined) shown.decision_log = argv['decision-log'];
      // The signal handlers go in before the line: whoever starts the server may stop it as soon
      // as it reads the line, and that stop must be the clean one (exit 0), never the default kill.
      const stopped = untilStopped();
      ctx.io.stdout(render(shown, ctx.render));
      await stopped;
      await server.close();
      return { output: '', exitCode: EXIT.ok };
    }),
  };
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
