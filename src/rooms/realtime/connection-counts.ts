/**
 * Open connections per key (a participant, a client address), in memory only. A key is dropped
 * as soon as its count is back to zero, so the map holds no more keys than there are
 * connections, and nothing outlives them.
 */
export class ConnectionCounts {
  private readonly counts = new Map<string, number>();

  constructor(readonly limit: number) {}

  full(key: string): boolean {
    return (this.counts.get(key) ?? 0) >= this.limit;
  }

  open(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  close(key: string): void {
    const left = (this.counts.get(key) ?? 0) - 1;
    if (left > 0) this.counts.set(key, left);
    else this.counts.delete(key);
  }

  get size(): number {
    return this.counts.size;
  }
}
