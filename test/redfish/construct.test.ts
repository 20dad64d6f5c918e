/**
 * The RedfishPoller construct in a small test stack with its own stream, plus the inventory
 * it bundles (ranges expanded, shards of shardSize, no secret anywhere).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { Stream, StreamMode } from "aws-cdk-lib/aws-kinesis";
import { describe, expect, test } from "vitest";
import { parseConfig } from "../../core/config/parse";
import { GPU_TEMPERATURE_DEFAULTS_C } from "../../core/constants";
import { buildInventory, expandEndpoint } from "../../core/contracts/redfish-inventory";
import { testCertificate } from "../../dev-support/tls";
import { normaliseBmc } from "../../lambdas/shared/redfish/normalise/normalise-bmc";
import { ResourceStore } from "../../lambdas/shared/redfish/resource-store";
import { loadConfig } from "../../lib/config/load";
import { RedfishPoller } from "../../lib/redfish/redfish-poller";

function configWith(redfish: Record<string, unknown>, thresholds?: Record<string, unknown>) {
  const base = JSON.parse(JSON.stringify(loadConfig("dev")));
  return parseConfig({
    ...base,
    redfish: { ...base.redfish, ...redfish },
    ...(thresholds ? { thresholds: { ...base.thresholds, ...thresholds } } : {}),
  });
}

describe("inventory", () => {
  test("IPv4 ranges expand inclusively; hosts stay as written", () => {
    expect(expandEndpoint("10.20.1.10-10.20.1.13")).toEqual(["10.20.1.10", "10.20.1.11", "10.20.1.12", "10.20.1.13"]);
    expect(expandEndpoint("bmc-7.lab:8443")).toEqual(["bmc-7.lab:8443"]);
    expect(() => expandEndpoint("10.0.0.9-10.0.1.2")).toThrow(/first three octets/);
    expect(() => expandEndpoint("10.0.0.9-10.0.0.2")).toThrow(/before the start/);
  });

  test("10,000 BMCs at shardSize 500 make 20 shards of 500; duplicates are refused", () => {
    const ranges = Array.from({ length: 40 }, (_, i) => `10.${i}.0.1-10.${i}.0.250`);
    const inv = buildInventory({
      environment: "prod",
      shardSize: 500,
      requestTimeoutMs: 5000,
      concurrency: 128,
      intervalSeconds: 60,
      gpuTemperatureCriticalC: GPU_TEMPERATURE_DEFAULTS_C.critical,
      clusters: [{ name: "a", bmcs: ranges, credentialsSecretName: "s", auth: "session", insecureSkipTlsVerify: false }],
    });
    expect(inv.shards).toHaveLength(20);
    expect(inv.shards.every((s) => s.bmcs.length === 500)).toBe(true);
    expect(() =>
      buildInventory({
        ...inv,
        shardSize: 10,
        clusters: [{ name: "a", bmcs: ["10.0.0.1", "10.0.0.1"], credentialsSecretName: "s", auth: "basic", insecureSkipTlsVerify: false }],
      }),
    ).toThrow(/listed twice/);
  });
});

describe("RedfishPoller construct", () => {
  const dir = mkdtempSync(join(tmpdir(), "fw-ca-"));
  writeFileSync(join(dir, "ca.pem"), testCertificate().cert);
  const config = configWith({
    shardSize: 20,
    clusters: [
      {
        name: "train-a",
        bmcs: ["10.20.1.1-10.20.1.45"],
        credentialsSecretName: "fleetwatch/dev/bmc/train-a",
        caBundleFile: "ca.pem",
        auth: "session",
      },
      {
        name: "lab-b",
        bmcs: ["10.20.2.7:8443"],
        credentialsSecretName: "fleetwatch/dev/bmc/lab-b",
        insecureSkipTlsVerify: true,
        auth: "basic",
      },
    ],
  });
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "fw-rf-")) });
  const stack = new Stack(app, "RedfishTest", { env: { account: "111111111111", region: "eu-west-1" } });
  const stream = new Stream(stack, "Stream", { streamMode: StreamMode.ON_DEMAND });
  const poller = new RedfishPoller(stack, "Poller", { config, stream, configRoot: dir });
  const template = Template.fromStack(stack);

  test("one schedule per shard, every minute, each passing only its shard number", () => {
    expect(poller.inventory.shards.map((s) => s.bmcs.length)).toEqual([20, 20, 6]);
    const schedules = Object.values(template.findResources("AWS::Scheduler::Schedule"));
    expect(schedules).toHaveLength(3);
    const inputs = schedules.map((s) => JSON.parse(s.Properties.Target.Input)).sort((a, b) => a.shard - b.shard);
    expect(inputs).toEqual([{ shard: 0 }, { shard: 1 }, { shard: 2 }]);
    for (const s of schedules) {
      expect(s.Properties.ScheduleExpression).toBe("rate(1 minute)");
      expect(s.Properties.Target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 0 });
    }
  });

  test("runs in the configured subnets; egress is HTTPS (and custom BMC ports) to the BMC CIDRs", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      VpcConfig: { SubnetIds: config.redfish.network.subnetIds },
      Environment: { Variables: Match.objectLike({ STREAM_NAME: Match.anyValue() }) },
    });
    const sg = Object.values(template.findResources("AWS::EC2::SecurityGroup"))[0]!;
    const egress = sg.Properties.SecurityGroupEgress as { CidrIp: string; FromPort: number }[];
    expect(egress).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ CidrIp: "10.20.0.0/22", FromPort: 443 }),
        expect.objectContaining({ CidrIp: "10.20.0.0/22", FromPort: 8443 }),
      ]),
    );
    expect(egress.some((e) => e.CidrIp === "0.0.0.0/0" && e.FromPort !== 443)).toBe(false);
  });

  test("may write to the stream and read exactly the configured credential secrets", () => {
    const policies = JSON.stringify(template.findResources("AWS::IAM::Policy"));
    expect(policies).toContain("kinesis:PutRecords");
    expect(policies).toContain("fleetwatch/dev/bmc/train-a");
    expect(policies).toContain("fleetwatch/dev/bmc/lab-b");
  });

  test("the bundled inventory carries the CA and the opt-out, never a secret value", () => {
    expect(poller.inventory.clusters[0]!.caBundle).toContain("BEGIN CERTIFICATE");
    expect(poller.inventory.clusters[1]!.insecureSkipTlsVerify).toBe(true);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/password/i);
  });

  test("a missing CA bundle fails synth naming the field", () => {
    const bad = configWith({ clusters: [{ name: "x", bmcs: ["10.20.0.1"], credentialsSecretName: "fw/x", caBundleFile: "nope.pem" }] });
    const s = new Stack(new App(), "Bad");
    expect(() => new RedfishPoller(s, "P", { config: bad, stream: new Stream(s, "S"), configRoot: dir })).toThrow(
      /redfish\.clusters\[0\]\.caBundleFile/,
    );
  });
});

describe("the environment's GPU temperature threshold reaches the poller", () => {
  /** One BMC with one GPU at `celsius` (ProcessorMetrics.TemperatureCelsius). */
  function bmcWithGpuAt(celsius: number): ResourceStore {
    const ref = (id: string) => ({ "@odata.id": id });
    const store = new ResourceStore();
    store.add("/redfish/v1", { Chassis: ref("/redfish/v1/Chassis"), Systems: ref("/redfish/v1/Systems") });
    store.add("/redfish/v1/Chassis", { Members: [] });
    store.add("/redfish/v1/Systems", { Members: [ref("/redfish/v1/Systems/S")] });
    store.add("/redfish/v1/Systems/S", { Id: "S", Processors: ref("/redfish/v1/Systems/S/Processors") });
    store.add("/redfish/v1/Systems/S/Processors", { Members: [ref("/redfish/v1/Systems/S/Processors/GPU_0")] });
    store.add("/redfish/v1/Systems/S/Processors/GPU_0", {
      Id: "GPU_0",
      ProcessorType: "GPU",
      Metrics: ref("/redfish/v1/Systems/S/Processors/GPU_0/ProcessorMetrics"),
    });
    store.add("/redfish/v1/Systems/S/Processors/GPU_0/ProcessorMetrics", { TemperatureCelsius: celsius });
    return store;
  }
  function inventoryOf(thresholds?: Record<string, unknown>) {
    // No bundling: only the inventory the construct builds is read.
    const s = new Stack(new App({ context: { "aws:cdk:bundling-stacks": [] } }), "Thresholds");
    const config = configWith({ clusters: [{ name: "x", bmcs: ["10.20.0.1"], credentialsSecretName: "fw/x", auth: "basic" }] }, thresholds);
    return new RedfishPoller(s, "P", { config, stream: new Stream(s, "S") }).inventory;
  }

  test("an override in config.thresholds lowers the level at which a hot GPU is listed as a problem", () => {
    const overridden = inventoryOf({ "gpu-temperature": { warn: 65, critical: 70 } });
    expect(overridden.gpuTemperatureCriticalC).toBe(70);
    // 75 °C: above the override, below the catalog's default critical level.
    expect(75).toBeLessThan(GPU_TEMPERATURE_DEFAULTS_C.critical);
    const hot = normaliseBmc(bmcWithGpuAt(75), { gpuHotC: overridden.gpuTemperatureCriticalC });
    expect(hot.problems).toContain("GPU S/GPU_0: 75 °C");
    const asDefault = normaliseBmc(bmcWithGpuAt(75), { gpuHotC: inventoryOf().gpuTemperatureCriticalC });
    expect(asDefault.problems).toEqual([]);
  });
});
