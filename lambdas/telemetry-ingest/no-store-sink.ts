/**
 * The sink of an environment whose config says `telemetryStore: { kind: "none" }`: nothing is
 * stored per component; the CloudWatch aggregates and the structured log lines still are.
 */
import type { SinkPoint } from "./records";
import type { SinkResult, TelemetrySink } from "./sink";

export class NoStoreSink implements TelemetrySink {
  async write(_points: readonly SinkPoint[]): Promise<SinkResult> {
    return { written: 0, rejected: [], failed: [] };
  }
}
