import { describe, expect, it } from 'vitest';
import { initOrder } from '../../src/module/loader.js';
import { defineModule } from '../../src/module/define.js';
import { loaded } from '../fixtures/modules.js';

describe('module dependencies (DESIGN §3: deps load and init first)', () => {
  it('orders dependencies before dependents, otherwise keeps load order', () => {
    const a = loaded(defineModule({ name: 'a', deps: ['c'] }));
    const b = loaded(defineModule({ name: 'b' }));
    const c = loaded(defineModule({ name: 'c' }));
    const { order, errors } = initOrder([a, b, c]);
    expect(errors).toEqual([]);
    expect(order.map((m) => m.def.name)).toEqual(['c', 'a', 'b']);
  });

  it('a missing mandatory dependency names both modules', () => {
    const a = loaded(defineModule({ name: 'tcp_mgm', deps: ['db_sqlite'] }), 4);
    const [err] = initOrder([a]).errors;
    expect(err!.render()).toBe('test.cfg:4: module "tcp_mgm" depends on "db_sqlite", which is not loaded (hint: add loadmodule "db_sqlite" to the config)');
  });

  it('an optional dependency only orders (OpenSIPS DEP_SILENT)', () => {
    const tcp = loaded(defineModule({ name: 'proto_tcp', deps: [{ name: 'proto_hep', optional: true }] }));
    expect(initOrder([tcp]).errors).toEqual([]);
    const hep = loaded(defineModule({ name: 'proto_hep' }));
    expect(initOrder([tcp, hep]).order.map((m) => m.def.name)).toEqual(['proto_hep', 'proto_tcp']);
  });

  it('a cycle is an error naming the modules in it', () => {
    const a = loaded(defineModule({ name: 'a', deps: ['b'] }));
    const b = loaded(defineModule({ name: 'b', deps: ['a'] }));
    const [err] = initOrder([a, b]).errors;
    expect(err!.message).toBe('module dependency cycle: a -> b -> a');
  });
});
