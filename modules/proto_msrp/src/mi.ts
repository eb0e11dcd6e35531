import { connTraceMi, type ConnTrace } from '@tsips/core';

/** `msrp_trace [trace_mode]` (master name `msrp:trace`), msrp.md §6 MI. */
export const msrpTrace = connTraceMi<{ trace: ConnTrace }>('MSRP', ['msrp:trace']);
