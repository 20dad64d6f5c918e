import type { TokenCredential } from "@azure/core-auth";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { signalById } from "../../core/catalog";
import type { CapacitySettings } from "../../core/contracts/capacity-forecast-settings";
import { testCertificate } from "../../dev-support/tls";
import { ArmQuotaReader } from "../../lambdas/capacity-forecast/adapters/arm-quota";
import { computeHeadroom, type ModelSkuUsage, usageNameOf } from "../../lambdas/capacity-forecast/headroom";
import { runHeadroom } from "../../lambdas/capacity-forecast/run-headroom";
import type { MetricDatum } from "../../lambdas/shared/put-metric-data";
import { ArmQuotaFake, EXAMPLES } from "./arm-quota-fake";

const SUB = "00000000-0000-0000-0000-000000000000";
const ACCOUNT = `/subscriptions/${SUB}/resourceGroups/resourceGroupName/providers/Microsoft.CognitiveServices/accounts/accountName`;

function credential(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

describe("regional headroom against Microsoft's example payloads (through @azure/arm-cognitiveservices)", () => {
  let fake: ArmQuotaFake;
  beforeAll(async () => {
    fake = await new ArmQuotaFake().start();
    fake.accounts.set(ACCOUNT.toLowerCase(), EXAMPLES.deployments);
  });
  afterAll(async () => fake?.stop());

  const reader = (token = "fake-arm-token") =>
    new ArmQuotaReader(credential(token), {
      resourceManager: fake.endpoint,
      audience: "https://management.azure.com",
      ca: testCertificate().ca,
    });

  test("ListUsages (AccountCount 3 of 200) gives 98.5 % headroom; the example's ada Standard deployment has no quota row and is reported", async () => {
    const regions = await reader().read([{ resourceId: ACCOUNT, region: "WestUS", deployments: ["deploymentName"] }]);
    expect(regions).toHaveLength(1);
    // From ListDeployments: ada version 1, sku Standard, capacity 1.
    expect(regions[0]!.deployments).toEqual([
      { account: "accountName", deployment: "deploymentName", model: "ada", modelVersion: "1", skuName: "Standard", capacity: 1 },
    ]);
    const report = computeHeadroom(regions);
    expect(report.rows).toEqual([
      {
        region: "WestUS",
        quotaName: "AccountCount",
        limit: 200,
        used: 3,
        deployedByFleetWatch: 0,
        headroom: 197,
        headroomPercent: 98.5,
        deployments: [],
      },
    ]);
    // ListLocationModels lists ada 1 only as "provisioned" (OpenAI.Provisioned.Class1), so the
    // Standard deployment falls back to OpenAI.Standard.ada, which ListUsages does not contain.
    expect(report.unmatched).toEqual([
      { region: "WestUS", deployment: "deploymentName", usageName: "OpenAI.Standard.ada", why: "no such quota row in the region's usages" },
    ]);
    expect(report.minHeadroomPercent).toBe(98.5);
    expect(fake.requests.every((r) => r.apiVersion === "2025-09-01" && r.status === 200)).toBe(true);
  });

  test("a deployment not listed in the configuration is not counted as FleetWatch's", async () => {
    const regions = await reader().read([{ resourceId: ACCOUNT, region: "WestUS", deployments: ["someOtherName"] }]);
    expect(regions[0]!.deployments).toEqual([]);
  });

  test("ARM's answers to a bad token and an unknown account surface as errors naming the status", async () => {
    await expect(reader("wrong").read([{ resourceId: ACCOUNT, region: "WestUS", deployments: ["deploymentName"] }])).rejects.toMatchObject({
      statusCode: 401,
      code: "AuthenticationFailed",
    });
    const missing = ACCOUNT.replace("accountName", "nope");
    await expect(reader().read([{ resourceId: missing, region: "WestUS", deployments: ["x"] }])).rejects.toMatchObject({
      statusCode: 404,
      code: "ResourceNotFound",
    });
  });
});

describe("quota row of a deployment (ListLocationModels usageName)", () => {
  const models: ModelSkuUsage[] = (
    EXAMPLES.models.value as { model: { name: string; version: string; skus: { name: string; usageName: string }[] } }[]
  ).flatMap((m) => m.model.skus.map((s) => ({ model: m.model.name, version: m.model.version, skuName: s.name, usageName: s.usageName })));
  const deployed = (model: string, modelVersion: string, skuName: string) => ({
    account: "a",
    deployment: "d",
    model,
    modelVersion,
    skuName,
    capacity: 1,
  });

  test("names come from the models API, not from a naming rule (gpt-4o 2024-08-06 Standard draws from OpenAI.Standard.GPT4o)", () => {
    expect(usageNameOf(deployed("gpt-4o", "2024-08-06", "Standard"), models)).toBe("OpenAI.Standard.GPT4o");
    expect(usageNameOf(deployed("gpt-4o", "2024-05-13", "Provisioned"), models)).toBe("OpenAI.Provisioned.GPT4o");
    expect(usageNameOf(deployed("gpt-35-turbo", "0301", "Standard"), models)).toBe("OpenAI.Standard.gpt-35-turbo");
    expect(usageNameOf(deployed("dall-e-3", "3.0", "provisioned"), models)).toBe("OpenAI.Provisioned.Dalle");
  });

  test("headroom = (limit - currentValue) / limit over the row every deployment of the subscription draws from", () => {
    // Usages: Microsoft's example row plus a model row of the same shape (values chosen for this test).
    const usages = [
      ...(EXAMPLES.usages.value as { name: { value: string }; currentValue: number; limit: number }[]).map((u) => ({
        name: u.name.value,
        currentValue: u.currentValue,
        limit: u.limit,
      })),
      { name: "OpenAI.Standard.GPT4o", currentValue: 400, limit: 450 },
    ];
    const report = computeHeadroom([
      {
        region: "WestUS",
        usages,
        models,
        deployments: [
          { ...deployed("gpt-4o", "2024-08-06", "Standard"), deployment: "chat", capacity: 150 },
          { ...deployed("gpt-4o", "2024-08-06", "Standard"), deployment: "batch", capacity: 100 },
        ],
      },
    ]);
    const gpt4o = report.rows.find((r) => r.quotaName === "OpenAI.Standard.GPT4o")!;
    expect(gpt4o).toMatchObject({ limit: 450, used: 400, deployedByFleetWatch: 250, headroom: 50, deployments: ["chat", "batch"] });
    expect(gpt4o.headroomPercent).toBeCloseTo((100 * 50) / 450, 9);
    expect(report.minHeadroomPercent).toBeCloseTo(11.111, 3);
    // Under the P3 signal's default share (20 %): the signal compares the minimum with LessThanThreshold.
    const signal = signalById("aoai-regional-headroom")!;
    expect(signal.comparison).toBe("LessThanThreshold");
    expect(signal.levels.warn).toMatchObject({ tier: "P3", threshold: 20 });
    expect(report.minHeadroomPercent!).toBeLessThan(signal.levels.warn!.threshold);
  });

  test("runHeadroom publishes each deployment's row and the minimum, and logs unmatched deployments", async () => {
    const published: MetricDatum[] = [];
    const lines: Record<string, unknown>[] = [];
    const settings = {
      environment: "dev",
      clusters: [],
      pollIntervalSeconds: 60,
      gpuHourUsd: 2,
      dailyGpuBudgetUsd: 100,
      deployments: [],
      azure: {
        credentialsSecretName: "s",
        authorityHost: "https://login.microsoftonline.com",
        resourceManager: "https://management.azure.com",
        accounts: [{ resourceId: ACCOUNT, region: "westus", deployments: ["chat", "embed"] }],
      },
    } satisfies CapacitySettings;
    await runHeadroom(
      settings,
      {
        quota: {
          read: async () => [
            {
              region: "westus",
              usages: [{ name: "OpenAI.Standard.GPT4o", currentValue: 100, limit: 400 }],
              models,
              deployments: [
                { ...deployed("gpt-4o", "2024-08-06", "Standard"), deployment: "chat", capacity: 100 },
                { ...deployed("text-embedding-3-large", "1", "Standard"), deployment: "embed", capacity: 10 },
              ],
            },
          ],
        },
        sink: { publish: async (d) => void published.push(...d) },
        log: { info: (_m, f) => void lines.push(f ?? {}), warn: () => {}, error: () => {} },
      },
      new Date("2026-11-22T10:00:00Z"),
    );
    expect(published.map((d) => [d.metric, d.dimensions, d.value])).toEqual([
      ["azureQuotaHeadroomPercent", { Environment: "dev", Deployment: "chat" }, 75],
      ["azureQuotaHeadroomMinPercent", { Environment: "dev" }, 75],
    ]);
    expect(lines.find((l) => l.event === "fleetwatch.quota_unmatched")).toMatchObject({
      deployment: "embed",
      usageName: "OpenAI.Standard.text-embedding-3-large",
    });
  });
});
