import { CommanderError, InvalidArgumentError } from 'commander';
import { randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { buildProgram, parseArgs, type FuzzOptions } from './args.js';
import { available, runCampaign, type CampaignOptions } from './campaign.js';
import { endpointsFromConfig, fuzzConfig, fuzzEndpoints } from './config.js';
import { loadCorpus } from './corpus.js';
import { miClient } from './liveness.js';
import { pickPorts } from './ports.js';
import { findFailure, saveFailure } from './results.js';
import { attachedServer, startServer, type ServerProcess } from './server.js';
import { TARGETS, type Endpoints, type Target } from './types.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** The server process of an attached run: --pid, else the first PID MI `ps` lists. */
async function attachedPid(e: Endpoints, pid: number | undefined): Promise<number | undefined> {
  if (pid !== undefined || !e.mi) return pid;
  try {
    const r = (await miClient(e).call('ps')) as { Processes?: { PID: number }[] };
    return r.Processes?.[0]?.PID;
  } catch {
    return undefined;
  }
}

interface Setup {
  server: ServerProcess;
  endpoints: Endpoints;
  config?: string;
}

async function setUp(o: FuzzOptions): Promise<Setup> {
  if (o.config) {
    const endpoints = endpointsFromConfig(readFileSync(o.config, 'utf8'));
    return { server: attachedServer(await attachedPid(endpoints, o.pid)), endpoints };
  }
  const ports = await pickPorts(o.portBase);
  const config = fuzzConfig(ports);
  return { server: await startServer(config), endpoints: fuzzEndpoints(ports), config };
}

async function run(o: FuzzOptions, command: string): Promise<number> {
  const corpus = loadCorpus(o.corpus);
  let seed = o.seed ?? randomInt(0, 2 ** 32 - 1);
  let only: CampaignOptions['only'];
  let wanted: Target[] | undefined = o.targets;
  if (o.replay !== undefined) {
    const { dir, record } = findFailure(o.out, typeof o.replay === 'string' ? o.replay : undefined, o.seed);
    log(`replaying ${dir}: seed ${record.seed}, ${record.target} batch ${record.batch} (${record.kind}: ${record.detail.slice(0, 200)})`);
    seed = record.seed;
    wanted = [record.target];
    only = [{ target: record.target, batch: record.batch }];
  }
  const { server, endpoints, config } = await setUp(o);
  const stopOnSignal = (): void => void server.stop().then(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    const targets = (wanted ?? TARGETS.filter((t) => available(endpoints, t))).filter((t) => {
      if (available(endpoints, t)) return true;
      log(`target ${t} skipped: the server has no socket for it`);
      return false;
    });
    if (targets.length === 0) throw new InvalidArgumentError('no target to fuzz');
    log(`fuzzing ${endpoints.host} (sip ${endpoints.sip ?? '-'}, msrp ${endpoints.msrp ?? '-'}, hep ${endpoints.hep ?? '-'}/${endpoints.hepTcp ?? '-'}, mi ${endpoints.mi ?? '-'}), pid ${server.pid || '?'}`);
    log(`seed ${seed}, targets ${targets.join(',')}, ${only ? 'replay' : `${o.duration} s${o.batches ? `, at most ${o.batches} batches a target` : ''}`}`);
    const r = await runCampaign(server, endpoints, {
      seed, targets, durationS: only ? 3600 : o.duration, maxBatches: o.batches, only, rssLimitMb: o.rssLimit, corpus, log: o.quiet ? () => undefined : log,
    });
    process.stdout.write(`${r.summary.format()}\n`);
    if (o.summaryJson) writeFileSync(o.summaryJson, `${JSON.stringify({ seed, targets, failure: r.failure ? { kind: r.failure.kind, detail: r.failure.detail, target: r.failure.target, batch: r.failure.batch } : null, ...r.summary.toJSON() }, null, 2)}\n`);
    if (!r.failure) {
      process.stdout.write(only ? 'replay: the failure did NOT reproduce\n' : `OK: no failure (seed ${seed})\n`);
      return 0;
    }
    const f = r.failure;
    if (only) {
      process.stdout.write(`replay: the failure reproduced (${f.kind}): ${f.detail}\n`);
      return 1;
    }
    const dir = saveFailure(o.out, { kind: f.kind, detail: f.detail, seed, target: f.target, batch: f.batch, command }, f.inputs, {
      serverLog: server.logs.lastLines(200),
      config,
      summary: r.summary.toJSON(),
    });
    process.stdout.write(`FAILED (${f.kind}) in ${f.target} batch ${f.batch}: ${f.detail}\nsaved to ${dir}\nreproduce: npm run fuzz -- --seed ${seed} --replay ${dir}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await server.stop();
  }
}

export async function main(argv: string[]): Promise<number> {
  let o: FuzzOptions;
  try {
    o = parseArgs(argv);
  } catch (e) {
    if (e instanceof CommanderError && (e.code === 'commander.helpDisplayed' || e.code === 'commander.help')) {
      process.stdout.write(buildProgram().helpInformation());
      return 0;
    }
    if (e instanceof CommanderError || e instanceof InvalidArgumentError) {
      log(`fuzz: ${e.message.replace(/^error: /, '')}`);
      log(buildProgram().helpInformation());
      return 2;
    }
    throw e;
  }
  try {
    return await run(o, `fuzz ${argv.join(' ')}`);
  } catch (e) {
    log(`fuzz: ${(e as Error).message}`);
    return 2;
  }
}
