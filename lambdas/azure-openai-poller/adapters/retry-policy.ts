/**
 * A core-rest-pipeline policy applying retry.ts to every Azure call (metrics, logs, ARM). The
 * SDKs' own retry policies are switched off (retryOptions.maxRetries = 0) so there is exactly
 * one retry loop with one set of limits.
 */
import type { PipelinePolicy, PipelineResponse } from "@azure/core-rest-pipeline";
import { type RetryPolicyOptions, retryDecision } from "../retry";

const RETRY_POLICY_NAME = "fleetwatchRetryPolicy";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function retryPolicy(
  opts: RetryPolicyOptions,
  onRetry?: (info: { status?: number; delayMs: number; attempt: number }) => void,
): PipelinePolicy {
  return {
    name: RETRY_POLICY_NAME,
    async sendRequest(request, next) {
      for (let attempt = 0; ; attempt++) {
        let response: PipelineResponse | undefined;
        let error: unknown;
        try {
          response = await next(request);
        } catch (err) {
          // Only transport failures are retried here; auth errors (AuthenticationError) and
          // HTTP errors are not worth repeating.
          if (!isTransportError(err)) throw err;
          error = err;
        }
        const decision = retryDecision(
          {
            status: response?.status,
            retryAfter: response?.headers.get("retry-after") ?? undefined,
            retryAfterMs: response?.headers.get("retry-after-ms") ?? response?.headers.get("x-ms-retry-after-ms") ?? undefined,
          },
          attempt,
          opts,
          Date.now(),
        );
        if (!decision.retry) {
          if (response) return response;
          throw error;
        }
        onRetry?.({ status: response?.status, delayMs: decision.delayMs, attempt });
        await sleep(decision.delayMs);
      }
    },
  };
}

const TRANSPORT_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "REQUEST_SEND_ERROR"]);

function isTransportError(err: unknown): boolean {
  const e = err as { name?: string; code?: string; statusCode?: number };
  return e?.statusCode === undefined && (e?.name === "RestError" || (e?.code !== undefined && TRANSPORT_CODES.has(e.code)));
}
