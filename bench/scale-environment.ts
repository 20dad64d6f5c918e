/**
 * A generated fleet-scale environment for `npm run bench:scale`: N clusters of M BMCs (one /24
 * range each) and D Azure OpenAI deployments over accounts of 20, from config/dev.json's shape.
 */
import { parseConfig } from "../core/config/parse";
import type { EnvironmentConfig } from "../core/config/schema";

export interface ScaleShape {
  readonly clusters: number;
  readonly bmcsPerCluster: number;
  readonly deployments: number;
}

export function scaleEnvironment(shape: ScaleShape): EnvironmentConfig {
  if (shape.bmcsPerCluster > 254) throw new Error("bmcsPerCluster: at most 254 (one /24 range per cluster)");
  const clusters = Array.from({ length: shape.clusters }, (_, i) => ({
    name: `gpu-cluster-${String(i + 1).padStart(2, "0")}`,
    bmcs: [`10.${64 + Math.floor(i / 250)}.${i % 250}.1-10.${64 + Math.floor(i / 250)}.${i % 250}.${shape.bmcsPerCluster}`],
    credentialsSecretName: `fleetwatch/scale/bmc/gpu-cluster-${String(i + 1).padStart(2, "0")}`,
    auth: "session",
  }));
  const deployments = Array.from({ length: shape.deployments }, (_, i) => ({
    name: `d${String(i + 1).padStart(2, "0")}`,
    team: `team-${(i % 8) + 1}`,
    model: "gpt-4o",
    sloP99Ms: 8000,
    dailyBudgetUsd: 200,
  }));
  const accounts = [];
  for (let a = 0; a * 20 < deployments.length; a++) {
    accounts.push({
      resourceId: `/subscriptions/00000000-0000-4000-8000-0000000000a1/resourceGroups/rg-ai-scale/providers/Microsoft.CognitiveServices/accounts/aoai-scale-${a + 1}`,
      region: "swedencentral",
      deployments: deployments.slice(a * 20, a * 20 + 20),
    });
  }
  return parseConfig(
    {
      name: "scale",
      account: "111111111111",
      region: "eu-west-1",
      redfish: {
        network: {
          vpcId: "vpc-0a1b2c3d4e5f60001",
          availabilityZones: ["eu-west-1a", "eu-west-1b"],
          subnetIds: ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012"],
          bmcCidrs: ["10.64.0.0/12"],
          awsApiEgressCidrs: ["10.0.0.0/24", "10.0.1.0/24"],
        },
        shardSize: 500,
        clusters,
      },
      azure: {
        tenantId: "00000000-0000-4000-8000-000000000001",
        credentialsSecretName: "fleetwatch/scale/azure-sp",
        accounts,
        workspaces: [],
        prices: { "gpt-4o": { inputUsdPer1kTokens: 0.0025, outputUsdPer1kTokens: 0.01 } },
      },
      paging: {
        p1: { pagerDutyIntegrationUrlSecretName: "fleetwatch/scale/pagerduty-integration-url" },
        p2: { slack: [{ workspaceId: "T00000SCL", channelId: "C00000SCL" }] },
        p3: { emails: ["gpu-platform@example.com"] },
      },
      thresholds: {},
      budgets: {
        gpuHourUsd: 2.5,
        dailyGpuBudgetUsd: 600000,
        monthlyGpuBudgetUsd: 18000000,
        dailyTokenBudgetUsd: 8000,
        monthlyTokenBudgetUsd: 240000,
      },
      retention: { logDays: 14, timestreamMemoryHours: 12, timestreamMagneticDays: 90 },
      tags: { owner: "gpu-platform" },
    },
    "bench/scale-environment.ts",
  );
}
