import { dummyContext, pvAccessor, RouteType, toStr, TsipsError, type Logger, type PvAccessor, type ScriptEngine } from '@tsips/core';
import type { RelayParams } from './params.js';
import type { PasswordLookup } from './state.js';

/** The route name OpenSIPS uses when auth_route is not set. */
export const DEFAULT_AUTH_ROUTE = 'msrp_auth';

function writable(name: string, text: string, engine: ScriptEngine): PvAccessor & Required<Pick<PvAccessor, 'set'>> {
  let a: PvAccessor;
  try {
    a = pvAccessor(text, engine.routes.env);
  } catch (err) {
    throw new TsipsError('MSRP_RELAY_ERR_CONFIG', `msrp_relay: ${name} "${text}": ${(err as Error).message}`, { hint: 'name a writable pseudo-variable such as $var(x) or $avp(x)', cause: err });
  }
  if (!a.set) throw new TsipsError('MSRP_RELAY_ERR_CONFIG', `msrp_relay: ${name} "${text}" is read-only`, { hint: 'name a writable pseudo-variable such as $var(x) or $avp(x)' });
  return a as PvAccessor & Required<Pick<PvAccessor, 'set'>>;
}

/**
 * The password lookup backed by the script: set username_var/realm_var, run the auth route on
 * a faked request (as OpenSIPS does), read password_var. Returns null (open relay, with a
 * warning) when no auth_route is set and route[msrp_auth] does not exist.
 */
export function scriptPasswordLookup(p: RelayParams, engine: ScriptEngine, log: Logger): PasswordLookup | null {
  const name = p.auth_route ?? DEFAULT_AUTH_ROUTE;
  const route = engine.namedRoute(name);
  if (route === undefined) {
    if (p.auth_route !== undefined)
      throw new TsipsError('MSRP_RELAY_ERR_CONFIG', `msrp_relay: auth_route "${name}" does not exist`, { hint: `define route[${name}] { ... } or fix the auth_route parameter` });
    log.warn('msrp_relay: no auth_route and no route[msrp_auth]: AUTH is not authenticated, anyone may use this relay');
    return null;
  }
  const user = writable('username_var', p.username_var, engine);
  const realm = writable('realm_var', p.realm_var, engine);
  const password = writable('password_var', p.password_var, engine);
  return (u, r) => {
    const ctx = dummyContext(RouteType.REQUEST);
    user.set(ctx, u);
    realm.set(ctx, r);
    // $var is process-wide: a password left by an earlier run must not answer for this user
    password.set(ctx, null);
    engine.run(route, ctx);
    const v = password.get(ctx);
    return v === null ? null : toStr(v);
  };
}
