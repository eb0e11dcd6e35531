/**
 * The one error the SIP message layer throws for bad input. `reason` is short enough to be
 * used as the reason phrase of the answer (`400 Bad CSeq header`), `status` is the code the
 * core should answer with (400, or 505 for an unsupported SIP version, 413/513 for size).
 */
export class SipParseError extends Error {
  readonly reason: string;
  readonly status: number;

  constructor(reason: string, status = 400, detail?: string) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'SipParseError';
    this.reason = reason;
    this.status = status;
  }
}
