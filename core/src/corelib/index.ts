import { defineModule } from '../module/define.js';
import type { CoreLibState } from './state.js';
import { routingCmds } from './cmds-routing.js';
import { miscCmds } from './cmds-misc.js';
import { messagePvs } from './pvs-message.js';
import { netPvs } from './pvs-net.js';

/**
 * The core's own script functions and pseudo-variables, declared like any module so the
 * compiler checks them the same way. Its state is set by the server, not by an init.
 */
export const coreLib = defineModule<Record<string, never>, CoreLibState>({
  name: 'core',
  cmds: { ...routingCmds, ...miscCmds },
  pvs: { ...messagePvs, ...netPvs },
  events: ['E_CORE_TCP_DISCONNECT', 'E_CORE_THRESHOLD'],
});

export type { CoreLibState } from './state.js';
