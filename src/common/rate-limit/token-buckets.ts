/**
 * In-memory token buckets keyed by string (a client address, a member id). Nothing is written
 * anywhere: keys live only as long as they are active, and idle ones are swept so the map cannot
 * grow without bound under a flood of distinct keys.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();
  private readonly timer: NodeJS.Timeout;

  /**
   * @param capacity how many may be taken at once
   * @param refillPerSecond how fast taken tokens come back
   */
  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    // A full bucket is the same as no bucket: sweep those.
    this.timer = setInterval(() => this.sweep(), 60_000);
    this.timer.unref();
  }

  /** Takes one token for `key`; false (and nothing taken) when none is left. */
  take(key: string): boolean {
    return this.retryAfterMs(key) === 0;
  }

  /** 0 when a token was taken, else how long until one will be available. */
  retryAfterMs(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key);
    const tokens =
      bucket === undefined
        ? this.capacity
        : Math.min(
            this.capacity,
            bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.refillPerSecond,
          );
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, updatedAt: now });
      return 0;
    }
    this.buckets.set(key, { tokens, updatedAt: now });
    return Math.ceil(((1 - tokens) / this.refillPerSecond) * 1000);
  }

  /** How long until `key` could take a token, without taking one. */
  waitMs(key: string): number {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return 0;
    const tokens = Math.min(
      this.capacity,
      bucket.tokens + ((this.now() - bucket.updatedAt) / 1000) * this.refillPerSecond,
    );
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / this.refillPerSecond) * 1000);
  }

  /** Gives back a token taken for work that turned out not to count (up to the capacity). */
  putBack(key: string): void {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return;
    bucket.tokens = Math.min(this.capacity, bucket.tokens + 1);
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Drops the keys whose bucket is full again (as good as never seen); also runs every minute. */
  sweep(): void {
    const now = this.now();
    for (const [key, bucket] of this.buckets) {
      if (
        bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.refillPerSecond >=
        this.capacity
      ) {
        this.buckets.delete(key);
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
