import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SHIM_SOURCE } from './paths.js';

/** Compiles the bind() shim (src/shim/bind_shim.c) into `dir`; returns the .so path. */
export function buildShim(dir: string): string {
  const out = join(dir, 'bind_shim.so');
  const r = spawnSync('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-o', out, SHIM_SOURCE, '-ldl'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`building the LD_PRELOAD shim failed (gcc): ${r.error?.message ?? r.stderr}`);
  return out;
}

/** Environment for a program that should run with the shim and the given options. */
export function shimEnv(shim: string, opts: { noPort?: boolean; udpSndbuf?: number }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LD_PRELOAD: shim };
  if (opts.noPort) env['TSIPS_BENCH_NO_PORT'] = '1';
  if (opts.udpSndbuf) env['TSIPS_BENCH_UDP_SNDBUF'] = String(opts.udpSndbuf);
  return env;
}
