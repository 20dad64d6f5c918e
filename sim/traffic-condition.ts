/**
 * What faults (or benign noise) do to an Azure OpenAI deployment's traffic, and how several of
 * them and a minute's worth of them combine. Both simulators use it: the end-to-end run's
 * AzureTraffic (azure-traffic.ts) and the seeded model's World (model/world.ts).
 */

/** What one fault (or noise) changes for one deployment, while active. */
export interface TrafficCondition {
  /** Share of requests answered 429 (0..1). */
  readonly throttledShare?: number;
  /** Share of requests answered 5xx (0..1); 1 = complete outage. */
  readonly serverErrorShare?: number;
  /** Multiplies latency percentiles. */
  readonly latencyFactor?: number;
}

/** The background share of 429s: single 429s are normal and must never page. */
const BACKGROUND_429 = 0.004;

/** The condition at an instant with these conditions active: the worst of each field, over the background. */
export function worstOf(conditions: Iterable<TrafficCondition>): Required<TrafficCondition> {
  let throttledShare = BACKGROUND_429;
  let serverErrorShare = 0;
  let latencyFactor = 1;
  for (const c of conditions) {
    throttledShare = Math.max(throttledShare, c.throttledShare ?? 0);
    serverErrorShare = Math.max(serverErrorShare, c.serverErrorShare ?? 0);
    latencyFactor = Math.max(latencyFactor, c.latencyFactor ?? 1);
  }
  return { throttledShare, serverErrorShare, latencyFactor };
}

/**
 * A minute's condition: sampled every 10 s and averaged (a fault starting at :40 fills a third of
 * it); latency is the worst sample.
 */
export function minuteCondition(at: (t: number) => Required<TrafficCondition>, minute: number): Required<TrafficCondition> {
  const samples = [5, 15, 25, 35, 45, 55].map((s) => at(minute + s * 1000));
  const mean = (f: (c: Required<TrafficCondition>) => number) => samples.reduce((a, c) => a + f(c), 0) / samples.length;
  return {
    throttledShare: mean((c) => c.throttledShare),
    serverErrorShare: mean((c) => c.serverErrorShare),
    latencyFactor: Math.max(...samples.map((c) => c.latencyFactor)),
  };
}
