import { describe, expect, it } from 'vitest';
import { MiRegistry } from '../../src/mi/registry.js';
import { miArray, miInt, miStr } from '../../src/mi/params.js';
import { MiError, type MiParams } from '../../src/mi/types.js';

const INVALID_REQUEST = { code: -32600, message: 'Invalid Request' };

function registry(): MiRegistry {
  const mi = new MiRegistry();
  mi.register('echo', { recipes: [{ params: [], run: () => 'none' }, { params: ['a'], run: (p) => ({ a: p.a }) }] }, undefined);
  // two recipes with two params: positional calls are ambiguous, named ones are not
  mi.register(
    'pair',
    {
      aliases: ['test:pair'],
      recipes: [
        { params: ['x', 'y'], run: (p) => ({ recipe: 'xy', ...p }) },
        { params: ['x', 'z'], run: (p) => ({ recipe: 'xz', ...p }) },
      ],
    },
    undefined,
  );
  mi.register('named', { namedOnly: true, recipes: [{ params: ['k'], run: (p) => p.k as string }] }, undefined);
  mi.register('nothing', { recipes: [{ params: [], run: () => undefined }] }, undefined);
  mi.register('nullish', { recipes: [{ params: [], run: () => null }] }, undefined);
  mi.register('mierr', { recipes: [{ params: [], run: () => { throw new MiError(500, 'Failed to reload', 'db down'); } }] }, undefined);
  mi.register('mierr_nodata', { recipes: [{ params: [], run: () => { throw new MiError(404, 'Not here'); } }] }, undefined);
  mi.register('boom', { recipes: [{ params: [], run: async () => { throw new Error('disk on fire'); } }] }, undefined);
  mi.register('int', { recipes: [{ params: ['n'], run: (p) => ({ n: miInt(p, 'n') }) }] }, undefined);
  mi.register('str', { recipes: [{ params: ['s'], run: (p) => ({ s: miStr(p, 's') }) }] }, undefined);
  mi.register('arr', { recipes: [{ params: ['l'], run: (p) => miArray(p, 'l') }] }, undefined);
  mi.register('wrongname', { recipes: [{ params: ['a'], run: (p) => miStr(p, 'b') }] }, undefined);
  return mi;
}

const call = (mi: MiRegistry, method: string, params?: unknown, id: unknown = 1) =>
  mi.dispatch(params === undefined ? { jsonrpc: '2.0', method, id } : { jsonrpc: '2.0', method, params, id });

describe('MiRegistry.register', () => {
  it('refuses a duplicate name or alias, naming the module that owns it', () => {
    const mi = registry();
    expect(() => mi.register('echo', { recipes: [{ params: [], run: () => 1 }] }, undefined, 'm2')).toThrow(/already registered by module core/);
    expect(() => mi.register('other', { aliases: ['test:pair'], recipes: [{ params: [], run: () => 1 }] }, undefined)).toThrow(/test:pair/);
    expect(() => mi.register('other', { aliases: ['echo'], recipes: [{ params: [], run: () => 1 }] }, undefined)).toThrow(/echo/);
    expect(mi.has('other')).toBe(false);
  });

  it("allows ':' only in aliases", () => {
    const mi = new MiRegistry();
    expect(() => mi.register('tcp:trace', { recipes: [{ params: [], run: () => 1 }] }, undefined)).toThrow(/must match/);
    mi.register('tcp_trace', { aliases: ['tcp:trace'], recipes: [{ params: [], run: () => 1 }] }, undefined, 'proto_tcp');
    expect(mi.has('tcp:trace')).toBe(true);
    expect(mi.names()).toEqual(['tcp_trace', 'tcp:trace']);
    expect(mi.describe('tcp:trace')).toEqual({ name: 'tcp_trace', module: 'proto_tcp', help: undefined });
  });

  it('refuses a command without recipes or a recipe repeating a name', () => {
    const mi = new MiRegistry();
    expect(() => mi.register('x', { recipes: [] }, undefined)).toThrow(/no recipe/);
    expect(() => mi.register('y', { recipes: [{ params: ['a', 'a'], run: () => 1 }] }, undefined)).toThrow(/repeats/);
  });

  it('lists recipes as arrays of param names', () => {
    expect(registry().recipes('test:pair')).toEqual([['x', 'y'], ['x', 'z']]);
    expect(registry().recipes('missing')).toBeUndefined();
  });
});

describe('MiRegistry.dispatch: request validation (-32600)', () => {
  const mi = registry();
  it.each([
    ['a non-object', 'hello', null],
    ['an array', [{ jsonrpc: '2.0', method: 'echo', id: 1 }], null],
    ['null', null, null],
    ['jsonrpc missing', { method: 'echo', id: 1 }, 1],
    ['jsonrpc "1.0"', { jsonrpc: '1.0', method: 'echo', id: 1 }, 1],
    ['jsonrpc as number', { jsonrpc: 2.0, method: 'echo', id: 'a' }, 'a'],
    ['method missing', { jsonrpc: '2.0', id: 1 }, 1],
    ['method a number', { jsonrpc: '2.0', method: 5, id: 1 }, 1],
    ['params a string', { jsonrpc: '2.0', method: 'echo', params: 'x', id: 1 }, 1],
    ['params null', { jsonrpc: '2.0', method: 'echo', params: null, id: 1 }, 1],
    ['params a number', { jsonrpc: '2.0', method: 'echo', params: 3, id: 1 }, 1],
    ['id an object', { jsonrpc: '2.0', method: 'echo', id: {} }, null],
    ['id an array', { jsonrpc: '2.0', method: 'echo', id: [1] }, null],
    ['id a boolean', { jsonrpc: '2.0', method: 'echo', id: true }, null],
  ])('%s', async (_what, req, id) => {
    expect(await mi.dispatch(req)).toEqual({ jsonrpc: '2.0', error: INVALID_REQUEST, id });
  });

  it('answers an invalid notification with id null (spec: parse/invalid-request errors always reply)', async () => {
    expect(await mi.dispatch({ jsonrpc: '2.0', method: 7 })).toEqual({ jsonrpc: '2.0', error: INVALID_REQUEST, id: null });
  });
});

describe('MiRegistry.dispatch: method and recipe selection', () => {
  const mi = registry();

  it('-32601 for an unknown method, without data', async () => {
    expect(await call(mi, 'nope')).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 1 });
  });

  it('no params, empty array and empty object all pick the recipe without params', async () => {
    for (const p of [undefined, [], {}]) expect(await call(mi, 'echo', p)).toEqual({ jsonrpc: '2.0', result: 'none', id: 1 });
  });

  it('picks a recipe by positional count and maps values onto its names in order', async () => {
    expect((await call(mi, 'echo', ['v']))).toMatchObject({ result: { a: 'v' } });
  });

  it('picks by named params, including the second of two same-count recipes', async () => {
    expect(await call(mi, 'pair', { x: 1, y: 2 })).toMatchObject({ result: { recipe: 'xy', x: 1, y: 2 } });
    expect(await call(mi, 'pair', { z: 3, x: 1 })).toMatchObject({ result: { recipe: 'xz', x: 1, z: 3 } });
    expect(await call(mi, 'test:pair', { x: 1, z: 3 })).toMatchObject({ result: { recipe: 'xz' } });
  });

  const invalid = (data: string) => ({ code: -32602, message: 'Invalid params', data });

  it('-32602 "Ambiguous call" when several recipes take that many positional params', async () => {
    expect(await call(mi, 'pair', [1, 2])).toMatchObject({ error: invalid('Ambiguous call, use named parameters instead'), id: 1 });
  });

  it('-32602 "Too few or too many parameters" for a count no recipe has', async () => {
    expect(await call(mi, 'echo', [1, 2])).toMatchObject({ error: invalid('Too few or too many parameters') });
    expect(await call(mi, 'pair', { x: 1 })).toMatchObject({ error: invalid('Too few or too many parameters') });
    expect(await call(mi, 'pair')).toMatchObject({ error: invalid('Too few or too many parameters') });
    expect(await call(mi, 'named', {})).toMatchObject({ error: invalid('Too few or too many parameters') });
  });

  it('-32602 "Named parameters do not match" when the count fits but the names do not', async () => {
    expect(await call(mi, 'pair', { x: 1, w: 2 })).toMatchObject({ error: invalid('Named parameters do not match') });
    expect(await call(mi, 'echo', { b: 1 })).toMatchObject({ error: invalid('Named parameters do not match') });
  });

  it('-32602 "Command only supports named parameters" for positional params to a namedOnly command', async () => {
    expect(await call(mi, 'named', ['v'])).toMatchObject({ error: invalid('Command only supports named parameters') });
    expect(await call(mi, 'named', { k: 'v' })).toMatchObject({ result: 'v' });
  });
});

describe('MiRegistry.dispatch: handler outcomes', () => {
  const mi = registry();

  it('-32000 "Command handler returned null" for undefined and null results', async () => {
    const err = { code: -32000, message: 'Server error', data: 'Command handler returned null' };
    expect(await call(mi, 'nothing')).toEqual({ jsonrpc: '2.0', error: err, id: 1 });
    expect(await call(mi, 'nullish')).toEqual({ jsonrpc: '2.0', error: err, id: 1 });
  });

  it('a thrown MiError becomes its code, message and data', async () => {
    expect(await call(mi, 'mierr')).toEqual({ jsonrpc: '2.0', error: { code: 500, message: 'Failed to reload', data: 'db down' }, id: 1 });
    expect(await call(mi, 'mierr_nodata')).toEqual({ jsonrpc: '2.0', error: { code: 404, message: 'Not here' }, id: 1 });
  });

  it('any other thrown error becomes -32000 with the message as data', async () => {
    expect(await call(mi, 'boom')).toEqual({ jsonrpc: '2.0', error: { code: -32000, message: 'Server error', data: 'disk on fire' }, id: 1 });
  });

  it('echoes the id with its type', async () => {
    expect(await call(mi, 'echo', undefined, 42)).toEqual({ jsonrpc: '2.0', result: 'none', id: 42 });
    expect(await call(mi, 'echo', undefined, 'abc')).toEqual({ jsonrpc: '2.0', result: 'none', id: 'abc' });
    expect(await call(mi, 'echo', undefined, null)).toEqual({ jsonrpc: '2.0', result: 'none', id: null });
    expect(await call(mi, 'nope', undefined, 'x7')).toMatchObject({ id: 'x7' });
  });

  it('runs a notification (no id) but returns nothing, even when it fails', async () => {
    let ran = 0;
    const m = new MiRegistry();
    m.register('tick', { recipes: [{ params: [], run: () => ++ran }] }, undefined);
    expect(await m.dispatch({ jsonrpc: '2.0', method: 'tick' })).toBeUndefined();
    expect(ran).toBe(1);
    expect(await m.dispatch({ jsonrpc: '2.0', method: 'nope' })).toBeUndefined();
    expect(await m.dispatch({ jsonrpc: '2.0', method: 'tick', params: [1] })).toBeUndefined();
  });

  it('passes the registered state to the handler', async () => {
    const m = new MiRegistry();
    m.register('st', { recipes: [{ params: [], run: (_p, s: { n: number }) => s.n }] }, { n: 9 });
    expect(await call(m, 'st')).toMatchObject({ result: 9 });
  });
});

describe('parameter getters', () => {
  const mi = registry();
  const bad = (data: string) => ({ error: { code: -32602, message: 'Invalid params', data } });

  it('miInt takes numbers and numeric strings, refuses the rest', async () => {
    expect(await call(mi, 'int', [5])).toMatchObject({ result: { n: 5 } });
    expect(await call(mi, 'int', ['-12'])).toMatchObject({ result: { n: -12 } });
    expect(await call(mi, 'int', { n: '+7' })).toMatchObject({ result: { n: 7 } });
    expect(await call(mi, 'int', [2.9])).toMatchObject({ result: { n: 2 } });
    for (const v of ['12a', '', ' 1', true, [1], { a: 1 }, null])
      expect(await call(mi, 'int', [v])).toMatchObject(bad("Bad type for parameter 'n'"));
  });

  it('miStr takes strings and prints numbers in decimal', async () => {
    expect(await call(mi, 'str', ['x'])).toMatchObject({ result: { s: 'x' } });
    expect(await call(mi, 'str', [15])).toMatchObject({ result: { s: '15' } });
    for (const v of [true, [1], { a: 1 }, null]) expect(await call(mi, 'str', [v])).toMatchObject(bad("Bad type for parameter 's'"));
  });

  it('miArray wants a non-empty array of strings or numbers', async () => {
    expect(await call(mi, 'arr', [['a', 2]])).toMatchObject({ result: ['a', '2'] });
    expect(await call(mi, 'arr', ['a'])).toMatchObject(bad("Bad type for parameter 'l'"));
    expect(await call(mi, 'arr', { l: [] })).toMatchObject(bad("Empty array in parameter 'l'"));
    expect(await call(mi, 'arr', [['a', {}]])).toMatchObject(bad("Bad type for array item in parameter 'l'"));
  });

  it('a param the recipe does not declare is -32000 "Failed to handle parameter"', async () => {
    expect(await call(mi, 'wrongname', ['v'])).toEqual({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Server error', data: 'Failed to handle parameter' },
      id: 1,
    });
  });

  it('getters work directly on a params object', () => {
    const p: MiParams = { a: '3' };
    expect(miInt(p, 'a')).toBe(3);
    expect(() => miStr(p, 'toString')).toThrow(MiError);
  });
});

describe('MiRegistry.handleBody', () => {
  const mi = registry();

  it('-32700 with id null for bad JSON', async () => {
    const r = await mi.handleBody('{"jsonrpc": "2.0", "method": ');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body!)).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
  });

  it('refuses a batch array as Invalid Request', async () => {
    const r = await mi.handleBody('[{"jsonrpc":"2.0","method":"echo","id":1}]');
    expect(JSON.parse(r.body!)).toEqual({ jsonrpc: '2.0', error: INVALID_REQUEST, id: null });
  });

  it('200 + the serialised response, result before id', async () => {
    const r = await mi.handleBody('{"jsonrpc":"2.0","method":"echo","params":["q"],"id":"7"}');
    expect(r).toEqual({ status: 200, body: '{"jsonrpc":"2.0","result":{"a":"q"},"id":"7"}' });
  });

  it('202 without a body for a notification', async () => {
    expect(await mi.handleBody('{"jsonrpc":"2.0","method":"echo"}')).toEqual({ status: 202 });
  });

  it('500 when the result cannot be serialised', async () => {
    const m = new MiRegistry();
    m.register('big', { recipes: [{ params: [], run: () => ({ n: 1n }) }] }, undefined);
    expect(await m.handleBody('{"jsonrpc":"2.0","method":"big","id":1}')).toEqual({ status: 500 });
  });
});
