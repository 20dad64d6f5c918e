/**
 * When to retry an Azure call, and after how long. 429 (throttled) and 529 / 503 (overloaded)
 * honour Retry-After (seconds or HTTP date) or retry-after-ms; other 5xx, 408 and network
 * errors back off exponentially. A Retry-After longer than the poll can afford fails the call
 * now (reported, staleness rises) instead of overrunning the Lambda timeout.
 */

export interface RetryPolicyOptions {
  readonly maxRetries: number;
  readonly maxRetryAfterMs: number;
  readonly baseDelayMs: number;
}

export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false; readonly reason: string };

export interface ResponseFacts {
  /** undefined: no response (connection refused, reset, timeout). */
  readonly status?: number;
  readonly retryAfter?: string;
  readonly retryAfterMs?: string;
}

export function retryAfterMs(facts: ResponseFacts, now: number): number | undefined {
  if (facts.retryAfterMs !== undefined && /^\d+(\.\d+)?$/.test(facts.retryAfterMs.trim())) return Number(facts.retryAfterMs);
  if (facts.retryAfter === undefined) return undefined;
  const v = facts.retryAfter.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

const THROTTLED = new Set([429, 503, 529]);

export function retryDecision(
  facts: ResponseFacts,
  attempt: number,
  opts: RetryPolicyOptions,
  now: number,
  random = Math.random,
): RetryDecision {
  const { status } = facts;
  const retriable = status === undefined || status === 408 || THROTTLED.has(status) || (status >= 500 && status !== 501 && status !== 505);
  if (!retriable) return { retry: false, reason: `status ${status} is not retriable` };
  if (attempt >= opts.maxRetries) return { retry: false, reason: `gave up after ${attempt} retries` };
  if (status !== undefined && THROTTLED.has(status)) {
    const after = retryAfterMs(facts, now);
    if (after !== undefined) {
      if (after > opts.maxRetryAfterMs) {
        return {
          retry: false,
          reason: `Retry-After ${Math.round(after / 1000)} s is longer than this poll can wait (${opts.maxRetryAfterMs / 1000} s)`,
        };
      }
      return { retry: true, delayMs: after };
    }
  }
  // Full jitter: spreads retries from concurrent pollers.
  const cap = opts.baseDelayMs * 2 ** attempt;
  return { retry: true, delayMs: Math.min(opts.maxRetryAfterMs, Math.round(cap / 2 + random() * (cap / 2))) };
}
