/** Counts open connections per client address and refuses past a limit. */
export class AddressLimiter {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a slot for `address`; false when it already has `max` connections. */
  acquire(address: string): boolean {
    const count = this.open.get(address) ?? 0;
    if (count >= this.max) return false;
    this.open.set(address, count + 1);
    return true;
  }

  /** True when `address` has all its slots taken. */
  full(address: string): boolean {
    return (this.open.get(address) ?? 0) >= this.max;
  }

  /** Gives a slot back. */
  release(address: string): void {
    const count = (this.open.get(address) ?? 1) - 1;
    if (count <= 0) this.open.delete(address);
    else this.open.set(address, count);
  }
}
