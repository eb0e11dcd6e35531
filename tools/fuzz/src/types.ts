/** What the campaign can aim at: one listener kind of the server each. */
export const TARGETS = ['sip-udp', 'sip-tcp', 'msrp', 'hep-udp', 'hep-tcp'] as const;
export type Target = (typeof TARGETS)[number];

export const isStream = (t: Target): boolean => t === 'sip-tcp' || t === 'msrp' || t === 'hep-tcp';

/** How a stream input is written to its own connection. */
export interface StreamPlan {
  /** byte offsets where one write ends and the next begins (ascending, inside the data) */
  splits: number[];
  /** pause between writes, ms (long pauses make a slow-loris) */
  gapMs: number;
  /**
   * after the last write: `close` = wait for answers, then FIN; `half-close` = FIN at once and
   * keep reading; `reset` = RST once `resetAt` bytes are written; `hold` = stay silent until
   * the server gives up on the partial message (it must, within tcp_max_msg_time)
   */
  end: 'close' | 'half-close' | 'reset' | 'hold';
  resetAt?: number;
}

/** One fuzz input. `kind` names the generator and mutations (for the summary and replays). */
export interface FuzzInput {
  target: Target;
  kind: string;
  data: Buffer;
  /** stream targets only */
  plan?: StreamPlan;
  /**
   * For an unmutated RFC 4475 message over UDP: the file name, so its answer is checked
   * against the corpus verdict.
   */
  oracle?: string;
}

/** Where the server listens (all on `host`). */
export interface Endpoints {
  host: string;
  sip?: number;
  msrp?: number;
  hep?: number;
  hepTcp?: number;
  mi?: number;
  /** msrp_relay's my_uri (AUTH liveness is addressed to it) */
  msrpUri?: string;
}

/** What generators know about the run: the server's addresses and the fuzzer's own sockets. */
export interface GenEnv {
  server: Endpoints;
  /** the fuzzer's UDP socket that receives SIP answers (Via sent-by of generated requests) */
  sipUdpPort: number;
  /** a local port nothing answers on (captured sources of HEP packets, MSRP next hops) */
  sinkPort: number;
}
