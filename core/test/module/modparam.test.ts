import { describe, expect, it } from 'vitest';
import { applyModparam, finalizeParams } from '../../src/module/loader.js';
import { loaded, tmLike, protoTcpLike, protoUdpLike } from '../fixtures/modules.js';

const at = (line: number) => ({ file: 'test.cfg', line });

describe('modparam (OpenSIPS semantics: module name is an anchored, case-insensitive regex)', () => {
  it('sets a typed value and keeps defaults for the rest', () => {
    const m = loaded(tmLike);
    expect(applyModparam([m], { module: 'tm', param: 'fr_timeout', value: 10, loc: at(3) })).toEqual([]);
    finalizeParams(m);
    expect(m.params).toMatchObject({ fr_timeout: 10, T1_timer: 500, noisy_ctimer: false, mode: 'fast', tw_append: [] });
  });

  it('accepts a numeric string for an int, rejects "abc" with file:line and a hint', () => {
    const m = loaded(tmLike);
    expect(applyModparam([m], { module: 'tm', param: 'fr_timeout', value: '45', loc: at(2) })).toEqual([]);
    const [err] = applyModparam([m], { module: 'tm', param: 'fr_timeout', value: 'abc', loc: at(7) });
    expect(err!.render()).toBe('test.cfg:7: modparam("tm", "fr_timeout"): expects an integer s, got "abc" (hint: type int, min 2, unit s, default 30)');
  });

  it('rejects values out of bounds and enum values not listed', () => {
    const m = loaded(tmLike);
    expect(applyModparam([m], { module: 'tm', param: 'fr_timeout', value: 1, loc: at(1) })[0]!.message).toContain('must be >= 2');
    expect(applyModparam([m], { module: 'tm', param: 'mode', value: 'medium', loc: at(1) })[0]!.message).toContain('must be one of "fast", "slow"');
  });

  it('names the known parameters when the parameter is unknown', () => {
    const [err] = applyModparam([loaded(tmLike)], { module: 'tm', param: 'fr_timer_x', value: 1, loc: at(4) });
    expect(err!.message).toContain('module tm has no parameter "fr_timer_x"');
    expect(err!.hint).toContain('fr_timeout');
  });

  it('reports a module pattern that matches nothing loaded', () => {
    const [err] = applyModparam([loaded(tmLike)], { module: 'dialog', param: 'x', value: 1, loc: at(9) });
    expect(err!.render()).toMatch(/^test.cfg:9: modparam\("dialog", "x"\): no loaded module matches "dialog"/);
  });

  it('matches case-insensitively and anchored: "TM" hits tm, "t" does not', () => {
    const m = loaded(tmLike);
    expect(applyModparam([m], { module: 'TM', param: 'fr_timeout', value: 5, loc: at(1) })).toEqual([]);
    expect(applyModparam([m], { module: 't', param: 'fr_timeout', value: 5, loc: at(1) })).toHaveLength(1);
  });

  it('a regex can set a parameter in several modules at once', () => {
    const tcp = loaded(protoTcpLike);
    const udp = loaded(protoUdpLike);
    expect(applyModparam([tcp, udp], { module: 'proto_.*', param: 'tcp_port', value: 5070, loc: at(1) })).toEqual([]);
    finalizeParams(tcp);
    finalizeParams(udp);
    expect(tcp.params.tcp_port).toBe(5070);
    expect(udp.params.udp_port).toBe(5060);
  });

  it('repeatable parameters collect every line in order', () => {
    const m = loaded(tmLike);
    applyModparam([m], { module: 'tm', param: 'tw_append', value: 'a:b', loc: at(1) });
    applyModparam([m], { module: 'tm', param: 'tw_append', value: 'c:d', loc: at(2) });
    finalizeParams(m);
    expect(m.params.tw_append).toEqual(['a:b', 'c:d']);
  });
});
