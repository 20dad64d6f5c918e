/**
 * Snapshots with every kind of trouble the ingest reports (hot and throttled GPU with ECC
 * errors, a failed fan, a chassis at its power cap) and an unreachable BMC, for the tests that
 * hold the Logs Insights queries against the fields the ingest really writes.
 */
import type { BmcSnapshot } from "../../core/snapshot";

export const TROUBLED: BmcSnapshot = {
  schema: "fleetwatch.bmc-snapshot.v1",
  environment: "dev",
  cluster: "lab-a",
  bmc: "10.20.0.11",
  collectedAt: "2026-11-22T10:00:00.000Z",
  durationMs: 900,
  requests: 3,
  status: "ok",
  errors: [],
  components: [
    {
      kind: "gpu",
      id: "GPU_SXM_1",
      system: "HGX_Baseboard_0",
      temperatureC: 86,
      powerW: 990,
      powerLimitW: 1000,
      throttled: true,
      throttleReasons: ["HwSlowdown"],
      eccUncorrectable: 2,
    },
    { kind: "fan", id: "Fan3", rpm: 0, failed: true },
    { kind: "chassis", id: "1", powerW: 4480, powerLimitW: 4500, capped: true },
  ],
} as BmcSnapshot;

export const UNREACHABLE: BmcSnapshot = {
  ...TROUBLED,
  bmc: "10.20.0.12",
  status: "unreachable",
  errors: ["connect ETIMEDOUT"],
  components: [],
} as BmcSnapshot;

/** The ingest's assessment options at dev's catalog thresholds (README alarm table: 78 / 83 °C). */
export const ASSESS_OPTIONS = { gpuTemperature: { warnC: 78, criticalC: 83 }, staleAfterMs: 0, powerCapMargin: 0.05 };
