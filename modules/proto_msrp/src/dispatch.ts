import type { MsrpHandle, MsrpHandler, MsrpHandlerFilter } from './api.js';
import type { MsrpUri } from './codec/uri.js';

/** A registered handler with its compiled filter (msrp.md §6 "Dispatch"). */
export interface Registration extends MsrpHandle {
  readonly handler: MsrpHandler;
  readonly hostRe: RegExp | null;
  readonly port: number;
  readonly secured: boolean;
}

/**
 * Shell glob to an anchored case-insensitive RegExp: `*` any run, `?` one character,
 * `[...]` a class (`[!...]` negated); null for `*`, which matches every host.
 */
export function globToRegExp(glob: string): RegExp | null {
  if (glob === '*') return null;
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[' && glob.indexOf(']', i + 2) > 0) {
      const close = glob.indexOf(']', i + 2);
      let body = glob.slice(i + 1, close);
      const neg = body.startsWith('!');
      if (neg) body = body.slice(1);
      re += `[${neg ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\[\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

/** Handlers in registration order; the first whose filter matches a top To-Path URI wins. */
export class HandlerRegistry {
  private readonly list: Registration[] = [];

  register(filter: MsrpHandlerFilter, handler: MsrpHandler): Registration {
    if (typeof handler?.onRequest !== 'function' || typeof handler.onReply !== 'function')
      throw new Error('proto_msrp: registerHandler needs both onRequest and onReply');
    const reg: Registration = { id: this.list.length + 1, handler, hostRe: globToRegExp(filter.host), port: filter.port, secured: filter.secured };
    this.list.push(reg);
    return reg;
  }

  /** the Registration behind a handle this registry gave out */
  get(hdl: MsrpHandle): Registration | undefined {
    const r = this.list[hdl.id - 1];
    return r === hdl ? r : undefined;
  }

  match(uri: MsrpUri): Registration | undefined {
    for (const r of this.list) {
      if (r.secured !== uri.secured) continue;
      if (r.port !== 0 && r.port !== uri.port) continue;
      if (r.hostRe && !r.hostRe.test(uri.host)) continue;
      return r;
    }
    return undefined;
  }
}
