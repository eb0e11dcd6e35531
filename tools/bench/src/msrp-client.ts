/**
 * The `msrp` suite's load client, a separate Node process (its CPU is measured apart from
 * the relay's and the bench's). Usage: node msrp-client.js <relay-port> <pairs> <window> <chunk-bytes>
 * Commands on stdin, one answer line each on stdout:
 *   setup      -> connects the pairs, AUTHs each receiver: "ready <Use-Path URI>..."
 *   run <ms>   -> sends for <ms>, drains: "result <JSON LoadResult>"
 */
import { MsrpLoad } from './msrp-load.js';
import { serveLines } from './line-child.js';

const [port, pairs, window, chunkBytes] = process.argv.slice(2).map(Number);
if (![port, pairs, window, chunkBytes].every((n) => Number.isInteger(n) && n! > 0)) {
  process.stderr.write('usage: msrp-client.js <relay-port> <pairs> <window> <chunk-bytes>\n');
  process.exit(2);
}
const load = new MsrpLoad({ host: '127.0.0.1', port: port!, pairs: pairs!, window: window!, chunkBytes: chunkBytes! });

serveLines(async (cmd, arg) => {
  if (cmd === 'setup') return `ready ${(await load.setup()).join(' ')}`;
  if (cmd === 'run') {
    const ms = Number(arg);
    if (!(ms > 0)) throw new Error(`bad duration "${arg}"`);
    return `result ${JSON.stringify(await load.run(ms))}`;
  }
  throw new Error(`unknown command "${cmd}"`);
}, () => load.close());
