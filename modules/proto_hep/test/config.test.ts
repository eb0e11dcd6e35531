import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, type ParamSpec } from '@tsips/core';
import protoHep, { parseHepId, parseHepIds } from '../src/index.js';
import { Cleanup } from './helpers.js';

const c = new Cleanup();
afterEach(() => c.run());

describe('hep_id syntax', () => {
  it('parses name, host, port, options in any order with defaults tcp / v3 / 9060', () => {
    expect(parseHepId('[hep_dst] 10.0.0.2:9061; transport=tcp; version=3')).toEqual({ name: 'hep_dst', host: '10.0.0.2', port: 9061, transport: 'tcp', version: 3 });
    expect(parseHepId('  [ a ]  collector.example ')).toEqual({ name: 'a', host: 'collector.example', port: 9060, transport: 'tcp', version: 3 });
    expect(parseHepId('[b][::1]:7000;version=2 ; TRANSPORT = UDP;')).toEqual({ name: 'b', host: '::1', port: 7000, transport: 'udp', version: 2 });
  });

  it.each([
    ['10.0.0.1:9060', /must start with the destination name/],
    ['[x 10.0.0.1', /missing "]"/],
    ['[] 10.0.0.1', /empty destination name/],
    ['[x]', /missing host/],
    ['[x] 10.0.0.1:0', /bad port "0"/],
    ['[x] 10.0.0.1:70000', /bad port/],
    ['[x] ::1:5060', /must be in brackets/],
    ['[x] 10.0.0.1; transport=sctp', /bad transport "sctp"/],
    ['[x] 10.0.0.1; transport=tls', /transport=tls is not supported/],
    ['[x] 10.0.0.1; version=4', /bad version "4"/],
    ['[x] 10.0.0.1; color=blue', /unknown option "color"/],
    ['[x] 10.0.0.1; version', /not key=value/],
    ['[x] 10.0.0.1; version=3; version=2', /given twice/],
  ])('%s is refused', (text, why) => {
    expect(parseHepId(text)).toMatch(why);
  });

  it('duplicate names are refused', () => {
    expect(parseHepIds(['[a] 10.0.0.1', '[a] 10.0.0.2'])).toMatch(/destination name "a" is defined twice/);
  });

  it('declares the OpenSIPS params with their defaults', () => {
    const p = protoHep.params as Record<string, ParamSpec>;
    expect(Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.default]))).toEqual({
      hep_id: undefined, hep_port: 9060, hep_capture_id: 1, homer5_on: true, homer5_delim: ':', compressed_payload: false,
      hep_async: true, hep_async_max_postponed_chunks: 32, hep_async_local_connect_timeout: 100, hep_async_local_write_timeout: 10,
      hep_send_timeout: 100, hep_max_msg_chunks: 32, hep_max_retries: 5, hep_retry_cooldown: 3600,
    });
    expect(p.hep_id!.repeat).toBe(true);
  });
});

const load = (lines: string) => createTestServer(`loadmodule "proto_hep"\n${lines}\nroute { exit; }`, { modules: [protoHep] });

describe('start-up errors', () => {
  it('a bad hep_id stops start-up at its modparam line', async () => {
    await expect(load('modparam("proto_hep", "hep_id", "[x] 10.0.0.1; version=7")')).rejects.toThrow(/test\.cfg:2:\d+: .*bad version "7"/);
  });

  it('a duplicate name stops start-up in init', async () => {
    await expect(load('modparam("proto_hep", "hep_id", "[x] 127.0.0.1")\nmodparam("proto_hep", "hep_id", "[x] 127.0.0.2")')).rejects.toThrow(/destination name "x" is defined twice/);
  });

  it('an unresolvable host stops start-up', async () => {
    await expect(load('modparam("proto_hep", "hep_id", "[x] no-such-host.invalid")')).rejects.toThrow(/cannot resolve host "no-such-host.invalid"/);
  });

  it('two destinations load side by side', async () => {
    const s = await c.server('loadmodule "proto_hep"\nmodparam("proto_hep", "hep_id", "[a] 127.0.0.1:9999; transport=udp")\nmodparam("proto_hep", "hep_id", "[b] [::1]")\nroute { exit; }');
    const names = (s.server.modules.find((m) => m.def.name === 'proto_hep')!.state.value as { dests: { names(): string[] } }).dests.names();
    expect(names).toEqual(['a', 'b']);
  });
});
