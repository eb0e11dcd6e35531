/**
 * Named flags (OpenSIPS 3: `setflag(NAT)`, `tcp_no_new_conn_bflag = "TCP_NO_CONN"`): a name
 * gets the next free bit of the 32 available; a number names its bit directly. Message flags
 * and branch flags share one name table, as in OpenSIPS.
 */
export class FlagNames {
  private readonly bits = new Map<string, number>();
  private next = 0;

  /** The bit index for a flag name or number; throws when all 32 bits are used. */
  bit(name: string | number): number {
    if (typeof name === 'number' || /^\d+$/.test(name)) {
      const n = Number(name);
      if (n < 0 || n > 31) throw new Error(`flag ${n} out of range 0..31`);
      return n;
    }
    let b = this.bits.get(name);
    if (b === undefined) {
      while ([...this.bits.values()].includes(this.next)) this.next++;
      if (this.next > 31) throw new Error(`too many flag names (32 max) at "${name}"`);
      b = this.next++;
      this.bits.set(name, b);
    }
    return b;
  }

  mask(name: string | number): number {
    return (1 << this.bit(name)) >>> 0;
  }
}
