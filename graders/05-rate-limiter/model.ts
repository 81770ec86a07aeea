/**
 * The grader's own model of a correct rate limiter: fixed windows per key opened by the first accepted request,
 * rejected requests not counted, and a cleanup every `cleanupIntervalMs` that removes only the ended windows.
 */
export type CheckResult = "ok" | "rate_limited";

export interface WindowInfo {
  readonly count: number;
  readonly remaining: number;
  readonly resetInMs: number;
}

interface ModelWindow {
  readonly start: number;
  count: number;
}

export class LimiterModel {
  readonly limit: number;
  readonly windowMs: number;
  readonly cleanupIntervalMs: number;
  /** When the limiter started: times in messages are shown relative to it. */
  readonly startedAt: number;
  now: number;
  nextCleanup: number;
  private readonly windows = new Map<string, ModelWindow>();

  constructor(options: { limit: number; windowMs: number; cleanupIntervalMs: number; now: number }) {
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.cleanupIntervalMs = options.cleanupIntervalMs;
    this.startedAt = options.now;
    this.now = options.now;
    this.nextCleanup = options.now + options.cleanupIntervalMs;
  }

  private ended(window: ModelWindow): boolean {
    return this.now >= window.start + this.windowMs;
  }

  check(key: string): CheckResult {
    const window = this.windows.get(key);
    if (window === undefined || this.ended(window)) {
      this.windows.set(key, { start: this.now, count: 1 });
      return "ok";
    }
    if (window.count < this.limit) {
      window.count += 1;
      return "ok";
    }
    return "rate_limited";
  }

  inspect(key: string): WindowInfo | null {
    const window = this.windows.get(key);
    if (window === undefined || this.ended(window)) return null;
    return { count: window.count, remaining: this.limit - window.count, resetInMs: window.start + this.windowMs - this.now };
  }

  trackedKeys(): number {
    return this.windows.size;
  }

  /** The window `key` has now, open or ended, or null when the limiter stores none: to explain a failing step. */
  windowOf(key: string): { readonly start: number; readonly count: number; readonly open: boolean } | null {
    const window = this.windows.get(key);
    return window === undefined ? null : { start: window.start, count: window.count, open: !this.ended(window) };
  }

  /** Moves time forward, running every cleanup that falls due on the way, at its own instant. */
  advance(ms: number): void {
    const target = this.now + ms;
    while (this.nextCleanup <= target) {
      this.now = this.nextCleanup;
      for (const [key, window] of this.windows) if (this.ended(window)) this.windows.delete(key);
      this.nextCleanup += this.cleanupIntervalMs;
    }
    this.now = target;
  }

  /** Milliseconds since the limiter started, for messages. */
  elapsed(): number {
    return this.now - this.startedAt;
  }
}
