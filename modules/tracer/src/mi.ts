import { MiError, MI_INVALID_PARAMS, type MiCommandSpec } from '@tsips/core';
import type { TracerState } from './cmd.js';

/** `trace [trace_mode]`: show or switch the global tracing switch (trace_on). */
export const traceMi: MiCommandSpec<TracerState> = {
  help: 'show or switch SIP message tracing: trace_mode on|off',
  recipes: [
    { params: [], run: (_p, st) => ({ global: st.capture.on ? 'on' : 'off' }) },
    {
      params: ['trace_mode'],
      run: (p, st) => {
        const mode = String(p.trace_mode).toLowerCase();
        if (mode !== 'on' && mode !== 'off') throw new MiError(MI_INVALID_PARAMS, 'Invalid params', "trace_mode should be 'on' or 'off'");
        st.capture.on = mode === 'on';
        return 'OK';
      },
    },
  ],
};
