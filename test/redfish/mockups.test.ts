/**
 * Every BMC capture in dev-support/redfish-captures, served over HTTPS by a fake BMC, polled by the real
 * poller with session and Basic auth. Expected values are read by hand from the mockup JSON
 * (paths in the comments), not from the poller's output.
 */
import { describe, expect, test } from "vitest";
import { BmcSnapshotSchema, type Component } from "../../core/snapshot";
import type { FakeBmc } from "../../dev-support/redfish-bmc-server";
import type { BmcMemory, PolledSnapshot } from "../../lambdas/redfish-poller/poll-bmc";
import { CREDENTIALS, useFakeBmcs } from "./support/fake-bmcs";

const bmcs = useFakeBmcs();

async function pollMockup(
  mockup: string,
  auth: "basic" | "session",
  memory: BmcMemory = {},
): Promise<{ snapshot: PolledSnapshot; bmc: FakeBmc }> {
  const bmc = await bmcs.start({ mockup, auth: "either", ...CREDENTIALS });
  const snapshot = await bmcs.poll(bmc.host, { auth, memory });
  return { snapshot, bmc };
}

const of = <K extends Component["kind"]>(s: PolledSnapshot, kind: K) =>
  s.components.filter((c) => c.kind === kind) as Extract<Component, { kind: K }>[];
const byId = <T extends { id: string }>(list: T[], id: string) => list.find((c) => c.id === id);

describe.each(["session", "basic"] as const)("mockups over HTTPS with %s auth", (auth) => {
  test("dmtf-public-rackmount1: legacy Thermal/Power win, Disabled sensor skipped, cap from PowerLimit", async () => {
    const { snapshot, bmc } = await pollMockup("dmtf-public-rackmount1", auth);
    expect(BmcSnapshotSchema.parse(snapshot)).toBeTruthy();
    expect(snapshot.status).toBe("ok");
    expect(of(snapshot, "gpu")).toHaveLength(0); // FPGA1 is ProcessorType FPGA
    // Chassis/1U/Thermal: CPU1 Temp 41, CPU2 Temp Disabled (no reading), Chassis Intake Temp 25
    const temps = of(snapshot, "temperature");
    expect(temps.map((t) => [t.id, t.temperatureC]).sort()).toEqual([
      ["CPU1 Temp", 41],
      ["Chassis Intake Temp", 25],
    ]);
    // Thermal.Fans: 2100 and 2050 RPM, only LowerThresholdFatal 0
    const fans = of(snapshot, "fan");
    expect(fans.map((f) => f.rpm).sort()).toEqual([2050, 2100]);
    expect(fans.every((f) => !f.failed)).toBe(true);
    // Power.PowerControl[0]: 344 W consumed, PowerLimit.LimitInWatts 500
    const [chassis] = of(snapshot, "chassis");
    expect(chassis).toMatchObject({ id: "1U", powerW: 344, powerLimitW: 500, capped: false });
    // Power.PowerSupplies[0] "Power Supply Bay": Health Warning, LastPowerOutputWatts 325
    expect(of(snapshot, "psu")).toEqual([expect.objectContaining({ id: "Power Supply Bay", health: "Warning", powerW: 325 })]);
    expect(bmc.openSessions()).toBe(0);
  });

  test("dmtf-public-tower: two Processors with ProcessorType GPU, power near the cap", async () => {
    const { snapshot } = await pollMockup("dmtf-public-tower", auth);
    BmcSnapshotSchema.parse(snapshot);
    const gpus = of(snapshot, "gpu");
    expect(gpus.map((g) => g.id).sort()).toEqual(["GPU1", "GPU2"]);
    for (const g of gpus) expect(g).toMatchObject({ name: "Nvidia(R) TU102", health: "OK", system: "437XR1238R2" });
    // No metrics for these GPUs: nothing is invented.
    for (const g of gpus) expect(g.temperatureC).toBeUndefined();
    expect(of(snapshot, "chassis")[0]).toMatchObject({ powerW: 926, powerLimitW: 1045 });
  });

  test("hpe-apollo6500-xl675d-a100: GPUs from OEM Devices, Absent zeros dropped, trailing-slash ids", async () => {
    const { snapshot } = await pollMockup("hpe-apollo6500-xl675d-a100", auth);
    BmcSnapshotSchema.parse(snapshot);
    expect(snapshot.status).toBe("ok");
    // Chassis/1/Devices/9..16: A100-SXM4-40GB; 17 (HGX baseboard) and 18 (NVSwitch) are not GPUs
    const gpus = of(snapshot, "gpu");
    expect(gpus).toHaveLength(8);
    for (const g of gpus) expect(g.name).toBe("NVIDIA A100-SXM4-40GB");
    // Thermal "62-GPU 1" .. "72-GPU 8": 50 °C each
    for (const g of gpus) expect(g.temperatureC).toBe(50);
    // 65 temperatures, 12 Absent (ReadingCelsius 0): none of those zeros may appear
    const temps = of(snapshot, "temperature");
    expect(temps).toHaveLength(53 - 8);
    expect(temps.some((t) => t.id === "09-Exp Bay Drive")).toBe(false);
    expect(byId(temps, "01-Inlet Ambient")).toMatchObject({ temperatureC: 15, upperCriticalC: 42 });
    // 15 fans, Reading 26 or 36 percent, none failed
    const fans = of(snapshot, "fan");
    expect(fans).toHaveLength(15);
    expect(new Set(fans.map((f) => f.percent))).toEqual(new Set([26, 36]));
    expect(fans.some((f) => f.failed)).toBe(false);
    // 6 PSUs, 4 and 5 Absent (with Health Warning): 4 reported, all OK
    const psus = of(snapshot, "psu");
    expect(psus).toHaveLength(4);
    expect(psus.every((p) => p.health === "OK")).toBe(true);
    // PowerControl[0] 894 W, no PowerLimit: no cap, not a cap of 0
    const chassis = byId(of(snapshot, "chassis"), "1");
    expect(chassis).toMatchObject({ powerW: 894, health: "Warning" });
    expect(chassis?.powerLimitW).toBeUndefined();
  });

  test("hpe-cray-ex235n-nvidia-a100: 2 nodes x 4 GPUs, GPU temps from Thermal, no fans, 404 links tolerated", async () => {
    const { snapshot } = await pollMockup("hpe-cray-ex235n-nvidia-a100", auth);
    BmcSnapshotSchema.parse(snapshot);
    expect(snapshot.status).toBe("ok");
    const gpus = of(snapshot, "gpu");
    expect(gpus).toHaveLength(8);
    // Chassis/Node0/Thermal: gpu0 30, gpu1 28, gpu2 30, gpu3 28
    const node0 = gpus.filter((g) => g.system === "Node0").sort((a, b) => a.id.localeCompare(b.id));
    expect(node0.map((g) => g.temperatureC)).toEqual([30, 28, 30, 28]);
    expect(of(snapshot, "fan")).toHaveLength(0);
    // The nameless entry and "CPU0 Temperature" have no reading: not published
    expect(of(snapshot, "temperature").some((t) => /CPU0 Temperature$/.test(t.id))).toBe(false);
  });

  test("gb300-supermicro: GPUs under two Systems counted once, ECC and NVIDIA flags", async () => {
    const { snapshot } = await pollMockup("lambdalabs-nvidia-fixtures/gb300-supermicro", auth);
    BmcSnapshotSchema.parse(snapshot);
    const gpus = of(snapshot, "gpu");
    expect(gpus).toHaveLength(4);
    expect(gpus.every((g) => g.name === "NVIDIA GB300")).toBe(true);
    // HGX_Baseboard_0/Memory/GPU_1_DRAM_0/MemoryMetrics LifeTime CorrectableECCErrorCount 100
    expect(byId(gpus, "GPU_1")?.eccCorrectable).toBe(100);
    // GPU_0_DRAM_0 Oem.Nvidia.RowRemapping.UncorrectableRowRemappingCount 1
    expect(byId(gpus, "GPU_0")?.eccUncorrectable).toBeGreaterThanOrEqual(1);
    // GPU_2 ProcessorMetrics Oem.Nvidia.SRAMECCErrorThresholdExceeded true
    expect(byId(gpus, "GPU_2")).toMatchObject({ sramEccThresholdExceeded: true });
    // GPU_3: Health Warning (State InTest)
    expect(byId(gpus, "GPU_3")?.health).toBe("Warning");
    // ThrottleReasons ["NA"] and all durations "PT0S" on the first poll: not throttled
    expect(gpus.every((g) => g.throttled === false)).toBe(true);
  });
});

test("session auth opens exactly one session per poll and deletes it", async () => {
  const { snapshot, bmc } = await pollMockup("dmtf-public-rackmount1", "session");
  expect(snapshot.status).toBe("ok");
  expect(bmc.sessionsEverOpened()).toBe(1);
  expect(bmc.openSessions()).toBe(0);
  expect(bmc.log.filter((l) => l.method === "DELETE")).toHaveLength(1);
});

test("$expand: steady-state polls of an ExpandAll BMC need 2 requests (Basic) and use MaxLevels", async () => {
  const memory: BmcMemory = {};
  const bmc = await bmcs.start({ mockup: "dmtf-public-tower" });
  const poll = () => bmcs.poll(bmc.host, { memory });
  const first = await poll();
  expect(first.discovered).toBe(true);
  const second = await poll();
  expect(second.discovered).toBe(false);
  expect(second.requests).toBeLessThanOrEqual(3);
  expect(second.components).toEqual(first.components);
  expect(bmc.log.slice(-second.requests).every((l) => l.url.includes("$expand="))).toBe(true);
});

test("iLO (MaxLevels 1): $expand is never asked beyond what the service root advertises", async () => {
  const { bmc } = await pollMockup("hpe-apollo6500-xl675d-a100", "basic");
  expect(bmc.log.every((l) => l.status !== 400 && l.status !== 501)).toBe(true);
  expect(bmc.log.some((l) => l.url.includes("$levels=1"))).toBe(true);
});

test("Cray (no ProtocolFeaturesSupported): no $expand at all", async () => {
  const { bmc } = await pollMockup("hpe-cray-ex235n-nvidia-a100", "basic");
  expect(bmc.log.some((l) => l.url.includes("$expand"))).toBe(false);
});
