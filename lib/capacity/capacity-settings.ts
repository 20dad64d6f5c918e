/** The capacity-forecast Lambda's settings from one environment's config (synth time). Pure. */

import type { EnvironmentConfig } from "../../core/config/schema";
import { CLOUD_ENDPOINTS } from "../../core/contracts/azure-openai-poller-settings";
import { type CapacitySettings, CapacitySettingsSchema } from "../../core/contracts/capacity-forecast-settings";

export function capacitySettings(config: EnvironmentConfig): CapacitySettings {
  const azure = config.azure;
  const deployments = new Map<string, number>();
  for (const a of azure?.accounts ?? []) for (const d of a.deployments) deployments.set(d.name, d.dailyBudgetUsd);
  return CapacitySettingsSchema.parse({
    environment: config.name,
    clusters: config.redfish.clusters.map((c) => c.name),
    pollIntervalSeconds: config.redfish.intervalSeconds,
    gpuHourUsd: config.budgets.gpuHourUsd,
    dailyGpuBudgetUsd: config.budgets.dailyGpuBudgetUsd,
    deployments: [...deployments].map(([name, dailyBudgetUsd]) => ({ name, dailyBudgetUsd })),
    ...(azure
      ? {
          azure: {
            credentialsSecretName: azure.credentialsSecretName,
            authorityHost: CLOUD_ENDPOINTS[azure.cloud].authorityHost,
            resourceManager: CLOUD_ENDPOINTS[azure.cloud].resourceManager,
            accounts: azure.accounts.map((a) => ({
              resourceId: a.resourceId,
              region: a.region,
              deployments: a.deployments.map((d) => d.name),
            })),
          },
        }
      : {}),
  });
}
