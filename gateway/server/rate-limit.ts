/**
 * Failed-auth limiter: `maxAttempts` failures within `windowMs` lock the key out for `lockoutMs`.
 * The map is bounded so a flood of distinct keys (spoofed origins) cannot grow memory.
 */
export interface RateLimitSettings {
  maxAttempts: number;
  windowMs: number;
  lockoutMs: number;
}

interface Bucket {
  failures: number[];
  lockedUntil: number;
}

export class AuthRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  update(settings: RateLimitSettings): void {
    this.settings = settings;
  }

  /** Whether an attempt may proceed; when not, how long to wait. */
  check(key: string): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const bucket = this.buckets.get(key);
    if (!bucket) return { allowed: true };
    const now = this.now();
    if (bucket.lockedUntil > now) return { allowed: false, retryAfterMs: bucket.lockedUntil - now };
    return { allowed: true };
  }

  recordFailure(key: string): void {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      bucket = { failures: [], lockedUntil: 0 };
      this.buckets.set(key, bucket);
    }
    bucket.failures = bucket.failures.filter((t) => now - t < this.settings.windowMs);
    bucket.failures.push(now);
    if (bucket.failures.length >= this.settings.maxAttempts) {
      bucket.lockedUntil = now + this.settings.lockoutMs;
      bucket.failures = [];
    }
  }

  reset(key: string): void {
    this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }

  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) {
      const fresh =
        bucket.lockedUntil > now || bucket.failures.some((t) => now - t < this.settings.windowMs);
      if (!fresh) this.buckets.delete(key);
    }
    // Still full: drop the oldest entries (Map iterates in insertion order). Keys still locked out
    // may be forgotten under a flood, which costs an attacker one more window, not memory.
    const excess = this.buckets.size - Math.floor(this.maxKeys * 0.9);
    if (excess > 0) {
      let i = 0;
      for (const key of this.buckets.keys()) {
        if (i++ >= excess) break;
        this.buckets.delete(key);
      }
    }
  }
}
