/**
 * The normaliser rules of docs/redfish.md, one by one, on small documents (fragments from the
 * NVIDIA captures where they exist). Expected values are read from the documents.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { Component } from "../../core/snapshot";
import { MOCKUPS_DIR } from "../../dev-support/redfish-bmc-server";
import { normaliseBmc } from "../../lambdas/shared/redfish/normalise/normalise-bmc";
import { ResourceStore } from "../../lambdas/shared/redfish/resource-store";

const fragment = (name: string) => JSON.parse(readFileSync(join(MOCKUPS_DIR, "lambdalabs-nvidia-fixtures", "_fragments", name), "utf8"));
const ref = (id: string) => ({ "@odata.id": id });

/** A minimal BMC: one chassis "C" and one system "S" with the given extra resources. */
function bmc(resources: Record<string, unknown>): ResourceStore {
  const store = new ResourceStore();
  store.add("/redfish/v1", { Chassis: ref("/redfish/v1/Chassis"), Systems: ref("/redfish/v1/Systems") });
  store.add("/redfish/v1/Chassis", { Members: [ref("/redfish/v1/Chassis/C")] });
  store.add("/redfish/v1/Systems", { Members: [ref("/redfish/v1/Systems/S")] });
  for (const [id, doc] of Object.entries(resources)) store.add(id, doc);
  return store;
}
const kind = <K extends Component["kind"]>(cs: Component[], k: K) => cs.filter((c) => c.kind === k) as Extract<Component, { kind: K }>[];

const gpuSystem = (metrics: unknown, extra: Record<string, unknown> = {}) => ({
  "/redfish/v1/Systems/S": { Id: "S", Processors: ref("/redfish/v1/Systems/S/Processors") },
  "/redfish/v1/Systems/S/Processors": { Members: [ref("/redfish/v1/Systems/S/Processors/GPU_0")] },
  "/redfish/v1/Systems/S/Processors/GPU_0": {
    "@odata.id": "/redfish/v1/Systems/S/Processors/GPU_0",
    Id: "GPU_0",
    ProcessorType: "GPU",
    Model: "NVIDIA B200",
    Status: { State: "Enabled", Health: "OK" },
    Metrics: ref("/redfish/v1/Systems/S/Processors/GPU_0/ProcessorMetrics"),
    Links: { Chassis: ref("/redfish/v1/Chassis/HGX_GPU_0") },
  },
  "/redfish/v1/Systems/S/Processors/GPU_0/ProcessorMetrics": metrics,
  ...extra,
});

describe("normaliser rules (docs/redfish.md)", () => {
  test("a Headroom sensor is not a temperature (NVIDIA *_TEMP_1 = 58 degrees to the throttle limit)", () => {
    const headroom = fragment("gpu_temperature_sensor.json");
    const store = bmc(
      gpuSystem(
        { Id: "ProcessorMetrics" },
        {
          "/redfish/v1/Chassis/HGX_GPU_0": { Id: "HGX_GPU_0", Sensors: ref("/redfish/v1/Chassis/HGX_GPU_0/Sensors") },
          "/redfish/v1/Chassis/HGX_GPU_0/Sensors": { Members: [ref(headroom["@odata.id"])] },
          [headroom["@odata.id"]]: headroom,
        },
      ),
    );
    const { components } = normaliseBmc(store);
    const [gpu] = kind(components, "gpu");
    expect(gpu!.temperatureC).toBeUndefined();
    expect(gpu!.thermalHeadroomC).toBe(58);
    expect(kind(components, "temperature").some((t) => t.temperatureC === 58)).toBe(false);
  });

  test("headroom at or below 0 and ThrottlingCelsius <= 0 mean thermal throttling", () => {
    const { components } = normaliseBmc(bmc(gpuSystem({ ThrottlingCelsius: -2 })));
    expect(kind(components, "gpu")[0]).toMatchObject({ throttled: true, throttleReasons: ["ThermalMargin"] });
  });

  test("throttle durations count only when they grew since the previous poll", () => {
    const first = normaliseBmc(bmc(gpuSystem({ PowerLimitThrottleDuration: "PT10S", ThermalLimitThrottleDuration: "PT0S" })));
    expect(kind(first.components, "gpu")[0]!.throttled).toBe(false);
    const grown = normaliseBmc(bmc(gpuSystem({ PowerLimitThrottleDuration: "PT25S", ThermalLimitThrottleDuration: "PT0S" })), {
      previousThrottle: first.throttleCounters,
    });
    expect(kind(grown.components, "gpu")[0]).toMatchObject({ throttled: true, throttleReasons: ["PowerLimit"] });
    const reset = normaliseBmc(bmc(gpuSystem({ PowerLimitThrottleDuration: "PT1S", ThermalLimitThrottleDuration: "PT0S" })), {
      previousThrottle: grown.throttleCounters,
    });
    expect(kind(reset.components, "gpu")[0]!.throttled).toBe(false);
  });

  test("NVIDIA ThrottleReasons: NA is not throttling, HwSlowdown is", () => {
    const na = normaliseBmc(bmc(gpuSystem({ Oem: { Nvidia: { ThrottleReasons: ["NA"] } } })));
    expect(kind(na.components, "gpu")[0]!.throttled).toBe(false);
    const hw = normaliseBmc(bmc(gpuSystem({ Oem: { Nvidia: { ThrottleReasons: ["HwSlowdown", "SwPowerCap"] } } })));
    expect(kind(hw.components, "gpu")[0]).toMatchObject({ throttled: true, throttleReasons: ["HwSlowdown", "SwPowerCap"] });
  });

  test("ProcessorMetrics cache ECC: LifeTime wins over CurrentPeriod (fragment: 15 correctable, 2 uncorrectable)", () => {
    const { components } = normaliseBmc(bmc(gpuSystem(fragment("processor_metrics_full.json"))));
    expect(kind(components, "gpu")[0]).toMatchObject({ eccCorrectable: 15, eccUncorrectable: 2 });
  });

  test("ControlMode Disabled with SetPoint 0 is no cap, not a cap of 0 W", () => {
    const { components } = normaliseBmc(
      bmc({
        "/redfish/v1/Chassis/C": { Id: "C", EnvironmentMetrics: ref("/redfish/v1/Chassis/C/EnvironmentMetrics") },
        "/redfish/v1/Chassis/C/EnvironmentMetrics": {
          PowerWatts: { Reading: 812 },
          PowerLimitWatts: { SetPoint: 0, ControlMode: "Disabled" },
        },
      }),
    );
    const [chassis] = kind(components, "chassis");
    expect(chassis).toMatchObject({ id: "C", powerW: 812 });
    expect(chassis!.powerLimitW).toBeUndefined();
    expect(chassis!.capped).toBeUndefined();
  });

  test("Absent sensors are dropped even with a reading of 0; a missing reading is omitted, not 0", () => {
    const { components } = normaliseBmc(
      bmc({
        "/redfish/v1/Chassis/C": { Id: "C", Thermal: ref("/redfish/v1/Chassis/C/Thermal") },
        "/redfish/v1/Chassis/C/Thermal": {
          Temperatures: [
            { Name: "Inlet", ReadingCelsius: 24, UpperThresholdCritical: 42, Status: { State: "Enabled", Health: "OK" } },
            { Name: "P/S 5", ReadingCelsius: 0, Status: { State: "Absent" } },
            { Name: "CPU2", Status: { State: "Enabled" } },
          ],
          Fans: [
            { Name: "Fan1", Reading: 0, ReadingUnits: "RPM", Status: { State: "Enabled", Health: "OK" } },
            { Name: "Fan2", Reading: 900, ReadingUnits: "RPM", LowerThresholdCritical: 1000, Status: { State: "Enabled", Health: "OK" } },
            { Name: "Fan3", Reading: 5000, ReadingUnits: "RPM", Status: { State: "Enabled", Health: "Critical" } },
            { Name: "Fan4", Reading: 5000, ReadingUnits: "RPM", Status: { State: "Enabled", Health: "OK" } },
            { Name: "Fan5", Reading: 0, Status: { State: "Absent" } },
          ],
        },
      }),
    );
    expect(kind(components, "temperature")).toEqual([expect.objectContaining({ id: "Inlet", temperatureC: 24, upperCriticalC: 42 })]);
    const fans = kind(components, "fan");
    expect(fans.map((f) => [f.id, f.failed])).toEqual([
      ["Fan1", true], // 0 while present
      ["Fan2", true], // below its critical threshold
      ["Fan3", true], // Critical health
      ["Fan4", false],
    ]);
  });

  test("a GPU listed under two Systems is one GPU", () => {
    const gpu = { "@odata.id": "/redfish/v1/Systems/A/Processors/GPU_0", Id: "GPU_0", ProcessorType: "GPU", UUID: "u-1" };
    const store = new ResourceStore();
    store.add("/redfish/v1", { Systems: ref("/redfish/v1/Systems") });
    store.add("/redfish/v1/Systems", { Members: [ref("/redfish/v1/Systems/A"), ref("/redfish/v1/Systems/B")] });
    for (const s of ["A", "B"]) {
      store.add(`/redfish/v1/Systems/${s}`, { Id: s, Processors: ref(`/redfish/v1/Systems/${s}/Processors`) });
      store.add(`/redfish/v1/Systems/${s}/Processors`, { Members: [ref(`/redfish/v1/Systems/${s}/Processors/GPU_0`)] });
      store.add(`/redfish/v1/Systems/${s}/Processors/GPU_0`, { ...gpu, "@odata.id": `/redfish/v1/Systems/${s}/Processors/GPU_0` });
    }
    expect(kind(normaliseBmc(store).components, "gpu")).toEqual([expect.objectContaining({ id: "GPU_0", system: "A" })]);
  });

  test("ThermalSubsystem with only LeakDetection (buggy fragment) yields no fans and no crash", () => {
    const ts = fragment("thermal_subsystem_buggy.json");
    const { components } = normaliseBmc(
      bmc({
        "/redfish/v1/Chassis/C": { Id: "C", ThermalSubsystem: ref("/redfish/v1/Chassis/C/ThermalSubsystem") },
        "/redfish/v1/Chassis/C/ThermalSubsystem": ts,
      }),
    );
    expect(kind(components, "fan")).toHaveLength(0);
  });
});
