/**
 * Polls a shard of BMCs with bounded global concurrency, under one deadline: a dead or slow BMC
 * occupies one slot until its own timeout, never the others'.
 */
import { mapBounded } from "../shared/bounded";
import type { PolledSnapshot, PollTarget } from "./poll-bmc";

export interface SweepOptions {
  readonly concurrency: number;
}

export async function sweep<T extends PollTarget>(
  targets: readonly T[],
  poll: (target: T) => Promise<PolledSnapshot>,
  options: SweepOptions,
): Promise<PolledSnapshot[]> {
  return mapBounded(targets, options.concurrency, poll);
}
