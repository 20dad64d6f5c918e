import { describe, expect, test } from "vitest";
import { METRICS } from "../../core/metric-registry";
import type { BmcSnapshot, Component } from "../../core/snapshot";
import { type AssessOptions, assessSnapshots, FleetState } from "../../lambdas/telemetry-ingest/aggregates";

// Signal catalog defaults (docs/signal-catalog.md): warn > 78 C, critical > 83 C; power within 5 % of the cap; stale after 5 min.
const options: AssessOptions = { gpuTemperature: { warnC: 78, criticalC: 83 }, staleAfterMs: 5 * 60_000, powerCapMargin: 0.05 };

function snap(bmc: string, collectedAt: string, components: Component[], extra: Partial<BmcSnapshot> = {}): BmcSnapshot {
  return {
    schema: "fleetwatch.bmc-snapshot.v1",
    environment: "prod",
    cluster: "train-a",
    bmc,
    collectedAt,
    durationMs: 1,
    requests: 1,
    status: "ok",
    errors: [],
    components,
    ...extra,
  };
}
const gpu = (id: string, temperatureC: number, more: Partial<Extract<Component, { kind: "gpu" }>> = {}): Component => ({
  kind: "gpu",
  id,
  temperatureC,
  ...more,
});

/** Feeds one BMC's GPU G1 with an uncorrectable-ECC count at minute m; returns gpusNewUncorrectableEcc. */
function newEccCounter(bmc: string): (minute: number, ecc: number) => number | undefined {
  const state = new FleetState();
  return (minute, ecc) => {
    const s = snap(bmc, `2026-11-22T10:0${minute}:00.000Z`, [gpu("G1", 60, { eccUncorrectable: ecc })]);
    return assessSnapshots([s], state, options).groups[0]?.values.gpusNewUncorrectableEcc;
  };
}

describe("fleet aggregates", () => {
  test("temperature counts use strict > thresholds; max, throttled, fans and power cap per cluster-minute", () => {
    const s = snap("10.0.0.1", "2026-11-22T10:00:30.000Z", [
      gpu("G1", 78),
      gpu("G2", 79),
      gpu("G3", 83),
      gpu("G4", 84, { throttled: true, throttleReasons: ["HwThermalSlowdown"] }),
      { kind: "fan", id: "F1", failed: true, rpm: 0 },
      { kind: "fan", id: "F2", failed: true },
      { kind: "fan", id: "F3", failed: false },
      { kind: "chassis", id: "1", powerW: 4300, powerLimitW: 4500 }, // 95.6 % of the cap
    ]);
    const { groups, findings } = assessSnapshots([s], new FleetState(), options);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.minuteMs).toBe(Date.parse("2026-11-22T10:00:00.000Z"));
    expect(groups[0]?.values).toMatchObject({
      gpuTemperatureMaxC: 84,
      gpusOverWarnTemperature: 3,
      gpusOverCriticalTemperature: 1,
      gpusThrottled: 1,
      gpusReporting: 4,
      fansFailed: 2,
      maxFansFailedPerChassis: 2,
      chassisAtPowerCap: 1,
      bmcsUnreachable: 0,
      snapshotsIngested: 1,
      // GPU fleet SLO: G1-G3 are at or under 83 C and not throttled; G4 is over critical and throttled.
      gpusExpected: 4,
      gpusHealthy: 3,
    });
    const hot = findings
      .filter((f) => f.event === "fleetwatch.gpu")
      .map((f) => f.event === "fleetwatch.gpu" && [f.gpu, f.temperatureLevel]);
    expect(hot).toEqual([
      ["G2", "warn"],
      ["G3", "warn"],
      ["G4", "critical"],
    ]);
    expect(findings.filter((f) => f.event === "fleetwatch.fan")).toHaveLength(2);
    const summary = findings.find((f) => f.event === "fleetwatch.snapshot");
    expect(summary).toMatchObject({ bmc: "10.0.0.1", hottestGpu: "G4", gpuTemperatureMaxC: 84 });
  });

  test("GPU fleet SLO: a BMC that stops answering keeps counting its last known GPUs as expected, none as healthy", () => {
    const state = new FleetState();
    const two = [gpu("G1", 60), gpu("G2", 61, { throttled: true })];
    const values = (s: BmcSnapshot) => assessSnapshots([s], state, options).groups[0]?.values;
    expect(values(snap("10.0.0.9", "2026-11-22T10:00:00.000Z", two))).toMatchObject({ gpusExpected: 2, gpusHealthy: 1 });
    const down = snap("10.0.0.9", "2026-11-22T10:01:00.000Z", [], { status: "unreachable" });
    expect(values(down)).toMatchObject({ gpusReporting: 0, gpusExpected: 2, gpusHealthy: 0 });
    // A GPU listed without a temperature (some BMCs never expose it) is reporting and not known hot: healthy.
    const blind = snap("10.0.0.9", "2026-11-22T10:02:00.000Z", [{ kind: "gpu", id: "G1" }, gpu("G2", 60)]);
    expect(values(blind)).toMatchObject({ gpusExpected: 2, gpusHealthy: 2 });
  });

  test("new uncorrectable ECC: counted when the count grows, not when it stays; an older replay is not news", () => {
    const count = newEccCounter("10.0.0.2");
    expect(count(0, 0)).toBe(0);
    expect(count(1, 2)).toBe(1);
    expect(count(2, 2)).toBe(0);
    expect(count(1, 2)).toBe(0); // replay of minute 1
    expect(count(3, 3)).toBe(1);
  });

  test("new uncorrectable ECC: a GPU first seen with old errors (cold start) is the baseline, not a page", () => {
    const count = newEccCounter("10.0.0.5");
    expect(count(0, 4)).toBe(0);
    expect(count(1, 4)).toBe(0);
    expect(count(2, 5)).toBe(1);
  });

  test("unreachable BMCs, their share, and staleness after 5 minutes without a good snapshot", () => {
    const state = new FleetState();
    assessSnapshots([snap("10.0.0.3", "2026-11-22T10:00:00.000Z", [gpu("G1", 60)])], state, options);
    const down = (m: string) =>
      snap("10.0.0.3", `2026-11-22T10:${m}:00.000Z`, [], { status: "unreachable", errors: ["connect ETIMEDOUT"] });
    const up = snap("10.0.0.4", "2026-11-22T10:04:00.000Z", [gpu("G1", 60)]);
    const early = assessSnapshots([down("04"), up], state, options);
    expect(early.groups[0]?.values).toMatchObject({ bmcsUnreachable: 1, snapshotsIngested: 2, bmcsStale: 0 });
    const late = assessSnapshots([down("06")], state, options);
    expect(late.groups[0]?.values).toMatchObject({ bmcsUnreachable: 1, bmcsStale: 1 });
    expect(late.findings.find((f) => f.event === "fleetwatch.bmc")).toMatchObject({
      bmc: "10.0.0.3",
      stale: true,
      lastGoodAt: "2026-11-22T10:00:00.000Z",
    });
    // No GPU temperature in that minute: no fake 0 for the hottest GPU.
    expect(late.groups[0]?.values.gpuTemperatureMaxC).toBeUndefined();
  });

  test("every aggregate is a telemetry-ingest metric with Environment and Cluster dimensions", () => {
    const { groups } = assessSnapshots([snap("10.0.0.5", "2026-11-22T10:00:00.000Z", [gpu("G1", 60)])], new FleetState(), options);
    for (const key of Object.keys(groups[0]?.values ?? {})) {
      const spec = METRICS[key as keyof typeof METRICS];
      expect(spec.emitter).toBe("telemetry-ingest");
      expect(spec.dimensions).toEqual(["Environment", "Cluster"]);
    }
  });
});
