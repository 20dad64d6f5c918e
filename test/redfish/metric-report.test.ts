/**
 * TelemetryService metric reports (docs/redfish.md, "Metric reports"): DMTF's telemetry
 * reference mockup (dev-support/redfish-captures/dmtf-public-telemetry, values read by hand), and the
 * source rule on a BMC whose report covers its GPUs. No public capture of NVIDIA's
 * HGX_PlatformEnvironmentMetrics_0 with a licence was found, so that BMC is built here in the
 * test, in the shape DMTF's reports use (MetricProperty = resource URI + "#" + JSON pointer).
 */
import { expect, test } from "vitest";
import { loadMockup } from "../../dev-support/redfish-bmc-server";
import { covers, freshness, parseReport } from "../../lambdas/shared/redfish/metric-report";
import { CREDENTIALS, type Tree, useFakeBmcs } from "./support/fake-bmcs";

const bmcs = useFakeBmcs();
const telemetry = loadMockup("dmtf-public-telemetry");

test("DMTF PowerMetrics report: 6 values, newest 2016-07-25T09:27:59.795Z, stale today, covers no GPU resource", () => {
  const id = "/redfish/v1/TelemetryService/MetricReports/PowerMetrics";
  const report = parseReport(id, telemetry.get(id));
  expect(report.values).toHaveLength(6);
  // MetricProperty "/redfish/v1/Chassis/Tray_1/Power#/PowerControl/0/PowerMetrics/AverageConsumedWatts", MetricValue "2.1"
  expect(report.values[0]).toMatchObject({
    resource: "/redfish/v1/Chassis/Tray_1/Power",
    path: ["PowerControl", "0", "PowerMetrics", "AverageConsumedWatts"],
    value: 2.1,
  });
  expect(report.timestamp).toBe(Date.parse("2016-07-25T09:27:59.795Z"));
  const fresh = freshness(report, ["/redfish/v1/Chassis/Tray_1/Power"], Date.now(), 120_000);
  expect(fresh).toEqual({ fresh: false, reason: "timestamp 2016-07-25T09:27:59.795Z" });
  // Chassis power is not a GPU reading: the report never stands in for Power.
  expect(covers(report, "/redfish/v1/Chassis/Tray_1/Power", "power", { PowerControl: [] })).toBe(false);
});

/** One System, `gpus` GPU processors each with an EnvironmentMetrics; a report covering them. */
function gpuBmc(gpus: number, reportTimestamp: string): Tree {
  const tree: Tree = new Map();
  const ids = Array.from({ length: gpus }, (_, i) => `/redfish/v1/Systems/S1/Processors/GPU${i}`);
  tree.set("/redfish/v1", {
    "@odata.id": "/redfish/v1",
    Systems: { "@odata.id": "/redfish/v1/Systems" },
    TelemetryService: { "@odata.id": "/redfish/v1/TelemetryService" },
  });
  tree.set("/redfish/v1/Systems", { "@odata.id": "/redfish/v1/Systems", Members: [{ "@odata.id": "/redfish/v1/Systems/S1" }] });
  tree.set("/redfish/v1/Systems/S1", {
    "@odata.id": "/redfish/v1/Systems/S1",
    Id: "S1",
    Processors: { "@odata.id": "/redfish/v1/Systems/S1/Processors" },
  });
  tree.set("/redfish/v1/Systems/S1/Processors", {
    "@odata.id": "/redfish/v1/Systems/S1/Processors",
    Members: ids.map((id) => ({ "@odata.id": id })),
  });
  for (const [i, id] of ids.entries()) {
    tree.set(id, {
      "@odata.id": id,
      Id: `GPU${i}`,
      ProcessorType: "GPU",
      SerialNumber: `SN${i}`,
      EnvironmentMetrics: { "@odata.id": `${id}/EnvironmentMetrics` },
    });
    // The resources say 40 °C / 300 W; the report says 60+i °C / 500+i W.
    tree.set(`${id}/EnvironmentMetrics`, {
      "@odata.id": `${id}/EnvironmentMetrics`,
      TemperatureCelsius: { Reading: 40 },
      PowerWatts: { Reading: 300 },
    });
  }
  tree.set("/redfish/v1/TelemetryService", telemetry.get("/redfish/v1/TelemetryService")!);
  tree.set("/redfish/v1/TelemetryService/MetricReports", {
    "@odata.id": "/redfish/v1/TelemetryService/MetricReports",
    Members: [{ "@odata.id": "/redfish/v1/TelemetryService/MetricReports/PlatformEnvironmentMetrics" }],
  });
  tree.set("/redfish/v1/TelemetryService/MetricReports/PlatformEnvironmentMetrics", {
    "@odata.id": "/redfish/v1/TelemetryService/MetricReports/PlatformEnvironmentMetrics",
    Id: "PlatformEnvironmentMetrics",
    Timestamp: reportTimestamp,
    MetricValues: ids.flatMap((id, i) => [
      { MetricProperty: `${id}/EnvironmentMetrics#/TemperatureCelsius/Reading`, MetricValue: String(60 + i), Timestamp: reportTimestamp },
      { MetricProperty: `${id}/EnvironmentMetrics#/PowerWatts/Reading`, MetricValue: String(500 + i), Timestamp: reportTimestamp },
    ]),
  });
  return tree;
}

const twoPolls = (tree: Tree) => bmcs.twoPolls({ mockup: tree, ...CREDENTIALS });

test("a fresh report covering the GPUs wins: one GET instead of one per GPU, the report's values", async () => {
  const tree = gpuBmc(4, new Date().toISOString());
  const { first, steady, steadyLog } = await twoPolls(tree);
  const gpus = (s: typeof steady) => s.components.filter((c) => c.kind === "gpu").sort((a, b) => a.id.localeCompare(b.id));
  // Discovery read the resources themselves: 40 °C, 300 W.
  expect(gpus(first).map((g) => g.kind === "gpu" && g.temperatureC)).toEqual([40, 40, 40, 40]);
  // Steady state: the report's 60..63 °C and 500..503 W.
  expect(gpus(steady).map((g) => g.kind === "gpu" && [g.temperatureC, g.powerW])).toEqual([
    [60, 500],
    [61, 501],
    [62, 502],
    [63, 503],
  ]);
  expect(steadyLog.some((l) => l.url.endsWith("/EnvironmentMetrics"))).toBe(false);
  expect(steadyLog.filter((l) => l.url.includes("MetricReports/"))).toHaveLength(1);
  expect(steady.metricReports).toEqual([{ report: "/redfish/v1/TelemetryService/MetricReports/PlatformEnvironmentMetrics", used: true }]);
});

test("a stale report is not a reading: the GPU resources are read and the snapshot says why", async () => {
  // The report's timestamp is the one DMTF's PlatformPowerUsage carries: years old.
  const tree = gpuBmc(4, "2016-11-08T12:25:00-05:00");
  const { steady, steadyLog } = await twoPolls(tree);
  const gpus = steady.components.filter((c) => c.kind === "gpu");
  expect(gpus.every((g) => g.kind === "gpu" && g.temperatureC === 40 && g.powerW === 300)).toBe(true);
  expect(steadyLog.filter((l) => l.url.endsWith("/EnvironmentMetrics"))).toHaveLength(4);
  expect(steady.metricReports?.[0]).toMatchObject({ used: false, reason: "stale (timestamp 2016-11-08T17:25:00.000Z)" });
  expect(steady.problems.some((p) => /metric report .*PlatformEnvironmentMetrics not used: stale/.test(p))).toBe(true);
});

test("DMTF's telemetry service grafted onto rackmount1: reports read at discovery, never in steady state (no GPU covered)", async () => {
  const tree: Tree = new Map([...loadMockup("dmtf-public-rackmount1"), ...telemetry]);
  tree.set("/redfish/v1", { ...tree.get("/redfish/v1")!, TelemetryService: { "@odata.id": "/redfish/v1/TelemetryService" } });
  const { first, steady, steadyLog } = await twoPolls(tree);
  expect(first.status).toBe("ok");
  expect(steadyLog.some((l) => l.url.includes("TelemetryService"))).toBe(false);
  expect(steady.metricReports).toBeUndefined();
});
