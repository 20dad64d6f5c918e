/**
 * The azure-openai-poller's settings for one environment: what the construct bakes into the
 * function's environment, and what the simulator runs the real poller with. Pure (no CDK).
 */

import type { AzureConfig } from "../../core/config/schema";
import { CLOUD_ENDPOINTS, type PollerSettings } from "../../core/contracts/azure-openai-poller-settings";
import { AZURE_SETTLE_MINUTES } from "../../core/metric-registry";

export interface PollerSettingsOptions {
  readonly watermarkTable: string;
  /** Defaults to the Azure cloud's public endpoints (config azure.cloud). */
  readonly endpoints?: PollerSettings["endpoints"];
  /** @default 30 */
  readonly lookbackMinutes?: number;
  /** @default AZURE_SETTLE_MINUTES.metrics */
  readonly metricsSettleMinutes?: number;
  /** @default AZURE_SETTLE_MINUTES.logs */
  readonly logsSettleMinutes?: number;
}

export function pollerSettings(environment: string, azure: AzureConfig, options: PollerSettingsOptions): PollerSettings {
  return {
    environment,
    tenantId: azure.tenantId,
    credentialsSecretName: azure.credentialsSecretName,
    accounts: azure.accounts.map((a) => ({
      resourceId: a.resourceId,
      region: a.region,
      deployments: a.deployments.map((d) => ({ name: d.name, team: d.team, model: d.model })),
    })),
    workspaces: azure.workspaces.map((w) => ({ workspaceId: w.workspaceId, resourceId: w.resourceId, tables: w.tables })),
    prices: azure.prices,
    endpoints: options.endpoints ?? CLOUD_ENDPOINTS[azure.cloud],
    watermarkTable: options.watermarkTable,
    lookbackMinutes: options.lookbackMinutes ?? 30,
    metricsSettleMinutes: options.metricsSettleMinutes ?? AZURE_SETTLE_MINUTES.metrics,
    logsSettleMinutes: options.logsSettleMinutes ?? AZURE_SETTLE_MINUTES.logs,
    quotaCacheMinutes: 30,
    maxRetryAfterSeconds: 20,
    maxRetries: 3,
  };
}
