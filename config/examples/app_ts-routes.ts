/**
 * Routing callbacks for config/examples/app_ts.cfg. `ksr` acts on the message being handled:
 * ksr.<module>.<function>(...) calls any script function of the core ("core") and of the
 * loaded modules, ksr.pv / ksr.hdr read and change the message.
 */
import type { Ksr } from '@tsips/app_ts';

export function request(ksr: Ksr): void {
  if (ksr.maxfwd.mf_process_maxfwd_header(10) < 0) {
    ksr.sl.sl_send_reply(483, 'Too Many Hops');
    return;
  }
  // OPTIONS to the server itself (no user part): answer, count, tell subscribers
  if (ksr.is_method('OPTIONS') && !ksr.pv.get('$rU')) {
    const answered = ksr.route('count_options');
    ksr.pv.seti('$avp(answered)', answered);
    ksr.core.raise_event('E_APP_OPTIONS', '$avp(answered)');
    ksr.sl.sl_send_reply(200, 'OK');
    return;
  }
  if (ksr.core.forward() < 0) ksr.sl.sl_send_reply(500, 'Cannot Forward');
}

export function reply(ksr: Ksr): void {
  ksr.dbg(`reply ${ksr.pv.get('$rs')} ${ksr.pv.get('$rr')} for ${ksr.pv.get('$ci')}`);
}

export function on_event(ksr: Ksr, event: string, params: Record<string, string | number | null>): void {
  ksr.info(`${event}: ${params['1']} OPTIONS answered so far`);
}
