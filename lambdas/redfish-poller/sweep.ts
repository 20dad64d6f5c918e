/**
 * Polls a shard of BMCs with bounded global concurrency, under one deadline: a dead or slow BMC
 * occupies one slot until its own timeout, never the others'.
 */
import type { PolledSnapshot } from "./poll-bmc";

export interface SweepOptions {
  readonly concurrency: number;
}

export async function sweep<T, R = PolledSnapshot>(
  targets: readonly T[],
  poll: (target: T) => Promise<R>,
  options: SweepOptions,
): Promise<R[]> {
  const results: R[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      results[i] = await poll(targets[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, targets.length)) }, worker));
  return results;
}
