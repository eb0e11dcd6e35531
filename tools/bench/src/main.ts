#!/usr/bin/env node
/**
 * `npm run bench -- <suite...> [options]`: runs the named suites, prints each report
 * (Markdown tables) to stdout and writes <suite>-<stamp>.{json,md,svg} under bench-results/.
 */
import { CommanderError } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram, parseArgs, type BenchOptions } from './args.js';
import { installCleanup, stopAll } from './children.js';
import { machineInfo } from './machine.js';
import { stamp } from './paths.js';
import { writeJson } from './report/json.js';
import { formatReport } from './report/markdown.js';
import { SUITE_NAMES, suiteByName } from './suites/index.js';
import type { RunReport } from './suites/types.js';

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function runSuites(opts: BenchOptions, command: string): Promise<void> {
  mkdirSync(opts.out, { recursive: true });
  for (const name of opts.suites) {
    const suite = suiteByName(name)!;
    const id = `${name}-${stamp()}`;
    const runDir = join(opts.out, id);
    mkdirSync(runDir, { recursive: true });
    log(`== ${name}: ${suite.describe} (files in ${runDir})`);
    const result = await suite.run({ opts, runDir, log });
    const report: RunReport = { ...result, command, machine: machineInfo() };
    const md = formatReport(report);
    process.stdout.write(`${md}\n`);
    const { svg, ...json } = report;
    const written = [writeJson(opts.out, id, json)];
    writeFileSync(join(opts.out, `${id}.md`), md);
    written.push(join(opts.out, `${id}.md`));
    if (svg) {
      writeFileSync(join(opts.out, `${id}.svg`), svg);
      written.push(join(opts.out, `${id}.svg`));
    }
    log(`wrote ${written.join(', ')}`);
  }
}

async function main(argv: string[]): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseArgs(argv, SUITE_NAMES);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') {
        process.stdout.write(buildProgram(SUITE_NAMES).helpInformation());
        return 0;
      }
      log(`bench: ${e.message.replace(/^error: /, '')}`);
      log(buildProgram(SUITE_NAMES).helpInformation());
      return 2;
    }
    throw e;
  }
  installCleanup((sig) => log(`\nbench: ${sig}, stopping every process it started`));
  try {
    await runSuites(opts, `npm run bench -- ${argv.join(' ')}`);
    return 0;
  } catch (e) {
    log(`bench: ${(e as Error).message}`);
    return 1;
  } finally {
    await stopAll();
  }
}

process.exitCode = await main(process.argv.slice(2));
