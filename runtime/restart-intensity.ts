import { now } from "./clock.ts";
import type { ExitReason } from "./types.ts";

/**
 * A supervisor's restart intensity: at most `maxRestarts` restarts within `maxSeconds`, or it gives up. Time is
 * the runtime's clock in ms (OTP counts whole seconds of monotonic time, so a restart near the edge of the window
 * may count here where it no longer does there).
 */
export class RestartIntensity {
  readonly maxRestarts: number;
  readonly maxSeconds: number;
  private restarts: number[] = [];

  constructor(maxRestarts: number, maxSeconds: number) {
    this.maxRestarts = maxRestarts;
    this.maxSeconds = maxSeconds;
  }

  /** Records a restart; returns false when that exceeds the intensity (the supervisor must shut down). */
  add(): boolean {
    const t = now();
    const periodMs = this.maxSeconds * 1000;
    this.restarts = this.restarts.filter((at) => t - at < periodMs);
    this.restarts.push(t);
    return this.restarts.length <= this.maxRestarts;
  }
}

/**
 * What is wrong with a supervisor's intensity, as OTP's `{:supervisor_data, reason}` says it, or null:
 * `maxRestarts` must be a non-negative integer and `maxSeconds` a positive one.
 */
export function intensityError(maxRestarts: unknown, maxSeconds: unknown): ExitReason | null {
  if (typeof maxRestarts !== "number" || !Number.isSafeInteger(maxRestarts) || maxRestarts < 0) return { invalid_intensity: maxRestarts };
  if (typeof maxSeconds !== "number" || !Number.isSafeInteger(maxSeconds) || maxSeconds <= 0) return { invalid_period: maxSeconds };
  return null;
}
