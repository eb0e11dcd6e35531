import { Command, CommanderError, Option } from 'commander';
import { buildParams } from './args.js';
import { miCall, MiRpcError, MiTransportError } from './client.js';
import { formatResult, OUTPUT_TYPES, type OutputType } from './output.js';

export const DEFAULT_URL = 'http://127.0.0.1:8888/mi';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

/**
 * `tsips-cli [-u url] [-o pretty|json|lines] [-j] mi <cmd> [args...]`. Returns the exit
 * code: 0 done, 1 the MI answered an error (or bad usage), 2 the MI could not be reached.
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const program = new Command('tsips-cli')
    .description('tsips Management Interface client (like opensips-cli -x mi)')
    .addOption(new Option('-u, --url <url>', 'MI endpoint (mi_http)').default(DEFAULT_URL))
    .addOption(new Option('-o, --output <type>', 'result format').choices(OUTPUT_TYPES).default('pretty'))
    .option('-j, --json', 'send values that parse as JSON as JSON (arrays, objects, numbers)')
    .option('-t, --timeout <ms>', 'how long to wait for the answer', '10000')
    .option('-x, --execute', 'accepted for opensips-cli compatibility (tsips-cli always runs one command)')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command('mi')
    .description('run one MI command: args are name=value pairs (named) or plain words (positional)')
    .argument('<cmd>', 'MI command, e.g. get_statistics, tcp:list')
    .argument('[args...]', 'parameters')
    // everything after the command is a parameter, even "-1" (log_level -1)
    .passThroughOptions()
    .allowUnknownOption()
    .action(async (cmd: string, args: string[]) => {
      const opts = program.opts<{ url: string; output: OutputType; json?: boolean; timeout: string }>();
      code = await runMi(cmd, args, opts, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
  return code;
}

async function runMi(cmd: string, args: string[], opts: { url: string; output: OutputType; json?: boolean; timeout: string }, io: Io): Promise<number> {
  try {
    const params = buildParams(cmd, args, { json: opts.json });
    const result = await miCall(opts.url, cmd, params, { timeoutMs: Number(opts.timeout) || 10_000 });
    io.out(`${formatResult(result, opts.output)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof MiRpcError) {
      io.err(`${err.render()}\n`);
      return 1;
    }
    if (err instanceof MiTransportError) {
      io.err(`tsips-cli: ${err.message}\n`);
      return 2;
    }
    io.err(`tsips-cli: ${(err as Error).message}\n`);
    return 1;
  }
}
