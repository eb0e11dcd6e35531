import { parseUri, formatUri, type SipUri } from '../sip/uri.js';
import type { ScriptContext } from '../script/context.js';

/** Change one part of the current R-URI (rewritehost, $rU = ..., strip, prefix ...). */
export function editRuri(ctx: ScriptContext, edit: (u: SipUri) => void): number {
  let u: SipUri;
  try {
    u = parseUri(ctx.ruri());
  } catch {
    return -1;
  }
  edit(u);
  ctx.newRuri = formatUri(u);
  return 1;
}
