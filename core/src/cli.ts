import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { parseDefineArg } from './config/defines.js';
import { ConfigErrors, TsipsError } from './errors.js';
import { TsipsServer } from './server.js';
import { VERSION } from './version.js';

/**
 * `tsips -f <cfg>`: run in the foreground; `-C` checks the config and exits 0/1 with every
 * error as `file:line:col: message (hint: ...)` (like `opensips -C`); `-l` sets log_level;
 * `-D NAME[=value]` (repeatable) defines a name for the config's `#!ifdef` / `#!trydef`.
 * SIGTERM/SIGINT stop the server cleanly, once.
 */
function parseLevel(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < -3 || n > 4) throw new InvalidArgumentError('log level must be an integer from -3 to 4');
  return n;
}

/** `-D` given several times: NAME → value, the last one winning. */
function collectDefine(v: string, acc: Record<string, string>): Record<string, string> {
  try {
    const [name, value] = parseDefineArg(v);
    return { ...acc, [name]: value };
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

const program = new Command()
  .name('tsips')
  .description('tsips: a SIP server with the OpenSIPS module system')
  .option('-f, --config <file>', 'configuration file', 'config/tsips.cfg')
  .option('-C, --check', 'check the configuration and exit (0 = ok, 1 = errors)')
  .option('-l, --log-level <level>', 'log_level override (-3 alert .. 4 debug)', parseLevel)
  .option('-D, --define <name[=value]>', 'define a preprocessor name for #!ifdef / #!trydef (repeatable)', collectDefine, {})
  .version(VERSION, '-V, --version');

async function main(): Promise<number> {
  program.parse();
  const opts = program.opts<{ config: string; check?: boolean; logLevel?: number; define: Record<string, string> }>();
  let server: TsipsServer;
  try {
    server = await TsipsServer.load({ configFile: opts.config, defines: opts.define, overrides: { log_level: opts.logLevel } });
  } catch (err) {
    return reportStartupError(err);
  }
  if (opts.check) {
    process.stdout.write(`${opts.config}: configuration is valid\n`);
    return 0;
  }
  try {
    await server.start();
  } catch (err) {
    await server.stop().catch(() => undefined);
    return reportStartupError(err);
  }
  // a banner on stdout whatever log_level says: scripts and tests wait for it
  process.stdout.write(`tsips ${VERSION} listening on ${server.config.listeners.map((l) => l.name).join(', ') || 'no sockets'}\n`);
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      server.log.info({ signal }, 'shutting down');
      server.stop().then(
        () => resolve(0),
        (err) => {
          server.log.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
}

function reportStartupError(err: unknown): number {
  if (err instanceof ConfigErrors) {
    for (const e of err.errors) process.stderr.write(`ERROR: ${e.render()}\n`);
    process.stderr.write(`${err.errors.length} error(s) in the configuration\n`);
  } else if (err instanceof TsipsError) process.stderr.write(`ERROR: ${err.render()}\n`);
  else process.stderr.write(`ERROR: ${(err as Error)?.stack ?? String(err)}\n`);
  return 1;
}

main().then(
  (code) => {
    process.exitCode = code;
    // the logger flushes asynchronously; exit once the loop has nothing else to do
    setTimeout(() => process.exit(code), 200).unref();
  },
  (err) => {
    process.stderr.write(`fatal: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
