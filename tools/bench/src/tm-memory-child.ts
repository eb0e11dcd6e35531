/**
 * The `tm-memory` suite's child: a fresh process (started with --expose-gc) that runs the
 * measurement and prints its result as one JSON line on stdout.
 * Usage: node --expose-gc tm-memory-child.js <transactions> <sink udp port>
 */
import { measureTmMemory } from './suites/tm-memory-measure.js';

const n = Number(process.argv[2]);
const sinkPort = Number(process.argv[3]);
if (!Number.isInteger(n) || n <= 0 || !Number.isInteger(sinkPort) || sinkPort <= 0 || sinkPort > 65535) {
  process.stderr.write('usage: tm-memory-child.js <transactions> <sink udp port>\n');
  process.exit(2);
}
const result = await measureTmMemory(n, sinkPort);
process.stdout.write(`${JSON.stringify(result)}\n`);
