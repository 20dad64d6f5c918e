/**
 * The fleet-wide signals at fleet scale: their alarms read environment totals, so an
 * environment of 50 clusters resolves with every alarm expression within CloudWatch's 10
 * metrics (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html)
 * and the network-outage suppression of every cluster's staleness pages intact. Per-cluster
 * alarms that would take the main stack past 500 resources go to nested stacks.
 */
import { describe, expect, test } from "vitest";
import { scaleEnvironment } from "../../bench/scale-environment";
import { resolveAlarms } from "../../core/catalog";
import { METRICS } from "../../core/metric-registry";
import { MAX_ALARMS_PER_NESTED_STACK, planAlarmStacks } from "../../lib/alarms/alarm-stacks";
import { loadConfig } from "../../lib/config/load";

const config = scaleEnvironment({ clusters: 50, bmcsPerCluster: 200, deployments: 40 });

describe("fleet-wide signals at 50 clusters", () => {
  const specs = resolveAlarms(config);

  test("every alarm expression has at most 10 metrics, whatever the number of clusters", () => {
    for (const spec of specs) {
      const metrics = spec.source.kind === "math" ? Object.keys(spec.source.inputs).length : 1;
      expect(metrics, spec.name).toBeLessThanOrEqual(10);
    }
  });

  test("bmc-network-outage exists and reads environment totals (no Cluster dimension)", () => {
    const outage = specs.find((s) => s.signalId === "bmc-network-outage");
    expect(outage?.source.kind).toBe("math");
    if (outage?.source.kind !== "math") return;
    for (const input of Object.values(outage.source.inputs)) expect(METRICS[input.metric].dimensions).toEqual(["Environment"]);
    const spend = specs.find((s) => s.signalId === "gpu-spend");
    if (spend?.source.kind !== "math") throw new Error("gpu-spend is metric math");
    expect(Object.values(spend.source.inputs).map((i) => METRICS[i.metric].dimensions)).toEqual([["Environment"]]);
  });

  test("every cluster's staleness and unreachable-share pages stay suppressed by the network outage", () => {
    const suppressed = specs.filter((s) => s.signalId === "bmc-telemetry-stale" || s.signalId === "bmc-unreachable-share");
    expect(suppressed).toHaveLength(2 * 50);
    for (const s of suppressed) expect(s.suppressedByAlarm).toBe("FleetWatch/scale/bmc-network-outage/critical");
  });
});

describe("alarm stacks", () => {
  test("a small environment keeps every alarm in the main stack", () => {
    expect(planAlarmStacks(resolveAlarms(loadConfig("dev"))).size).toBe(0);
  });

  test("at fleet scale, per-instance alarms go to nested stacks of at most 400 alarms, a cluster's alarms together", () => {
    const specs = resolveAlarms(config);
    const plan = planAlarmStacks(specs);
    const perGroup = new Map<number, number>();
    const groupOfInstance = new Map<string, Set<number>>();
    for (const s of specs) {
      const g = plan.get(s.name);
      const key = s.instance.cluster ?? s.instance.deployment;
      if (key === undefined) {
        expect(g, `${s.name} is environment-wide`).toBeUndefined();
        continue;
      }
      expect(g, s.name).toBeDefined();
      perGroup.set(g!, (perGroup.get(g!) ?? 0) + (s.pagingAlarmName !== s.name ? 2 : 1));
      groupOfInstance.set(key, new Set([...(groupOfInstance.get(key) ?? []), g!]));
    }
    expect(perGroup.size).toBeGreaterThan(1);
    for (const n of perGroup.values()) expect(n).toBeLessThanOrEqual(MAX_ALARMS_PER_NESTED_STACK);
    for (const groups of groupOfInstance.values()) expect(groups.size).toBe(1);
  });
});
