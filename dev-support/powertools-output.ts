/**
 * Where a Powertools Logger or Metrics prints, for the tools that read what a Lambda would print
 * (the ingest harness, the simulator's CloudWatch Logs). Both classes write through their own
 * Console on process.stdout (Lambda's stdout, which CloudWatch Logs reads) and take no option
 * to change it, so the tools swap that instance's console: here, once.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";

export type PowertoolsOutput = Pick<Console, "log" | "info" | "warn" | "error" | "debug" | "trace">;

/** Discards everything. */
export const DISCARD: PowertoolsOutput = { log() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {} };

/** Makes `target` print to `output` instead of stdout; returns it. */
export function printTo<T extends Logger | Metrics>(target: T, output: PowertoolsOutput): T {
  (target as unknown as { console: PowertoolsOutput }).console = output;
  return target;
}
