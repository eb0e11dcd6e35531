import { defineModule, str, int, RouteType, EVENTS, MiError, type EventBus, type Logger, type Stat } from '@tsips/core';

/**
 * An example third-party module, shaped like any tsips module (and like an OpenSIPS one):
 * - modparam("hello", "greeting", "...") and ("hello", "max_name_len", N)
 * - script function hello(name) -> 1, or -1 when the name is too long; raises E_HELLO
 * - pseudo-variable $hello_count (how many greetings so far)
 * - MI command hello_stats (and hello_reset)
 * - event E_HELLO with params "name" and "greeting", for event_route[E_HELLO]
 */
interface HelloState {
  greeting: string;
  maxLen: number;
  count: number;
  greetings: Stat;
  events: EventBus;
  log: Logger;
}

export default defineModule({
  name: 'hello',
  version: '0.1.0',
  doc: 'example third-party module',
  params: {
    greeting: str({ default: 'Hello', doc: 'the word hello() greets with' }),
    max_name_len: int({ default: 32, min: 1, max: 256 }),
  },
  stats: ['greetings'],
  events: ['E_HELLO'],
  cmds: {
    hello: {
      args: [{ kind: 'str' }],
      routes: RouteType.REQUEST | RouteType.FAILURE | RouteType.EVENT | RouteType.STARTUP | RouteType.TIMER,
      doc: 'greet someone: raises E_HELLO(name, greeting); -1 if the name is too long',
      run: (_ctx, st: HelloState, name: string) => {
        if (name.length > st.maxLen) return -1;
        st.count++;
        st.greetings.inc();
        st.events.raise('E_HELLO', [
          ['name', name],
          ['greeting', `${st.greeting}, ${name}`],
        ]);
        return 1;
      },
    },
  },
  pvs: {
    hello_count: { get: (_ctx, st: HelloState) => st.count },
  },
  mi: {
    hello_stats: {
      help: 'greetings so far and the configured greeting',
      recipes: [{ params: [], run: (_p, st: HelloState) => ({ greeting: st.greeting, count: st.count }) }],
    },
    hello_reset: {
      help: 'reset the greeting counter to a value (default 0)',
      recipes: [
        { params: [], run: (_p, st: HelloState) => ((st.count = 0), 'OK') },
        {
          params: ['value'],
          run: (p, st: HelloState) => {
            const v = Number(p.value);
            if (!Number.isInteger(v) || v < 0) throw new MiError(400, 'Bad value', 'value must be a non-negative integer');
            st.count = v;
            return 'OK';
          },
        },
      ],
    },
  },
  init: (ctx): HelloState => ({
    greeting: ctx.params.greeting,
    maxLen: ctx.params.max_name_len,
    count: 0,
    greetings: ctx.stat('greetings'),
    events: ctx.resolve(EVENTS),
    log: ctx.log,
  }),
});
