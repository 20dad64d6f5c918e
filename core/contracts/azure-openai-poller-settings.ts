/**
 * What the poller needs at run time, computed from the environment config at synth time by
 * lib/azure-openai and passed as one JSON environment variable. Validated on cold start so a
 * hand-edited variable fails loudly instead of polling the wrong thing.
 * No secret here: the service principal comes from Secrets Manager by name.
 */

import { z } from "zod";
import { AZURE_SETTLE_MINUTES } from "../metric-registry";

export const SETTINGS_ENV_VAR = "FLEETWATCH_AOAI_SETTINGS";

const DeploymentSettings = z.strictObject({
  name: z.string().min(1),
  team: z.string().min(1),
  model: z.string().min(1),
});

const AccountSettings = z.strictObject({
  resourceId: z.string().startsWith("/subscriptions/"),
  region: z.string().min(1),
  deployments: z.array(DeploymentSettings).min(1),
});

const WorkspaceSettings = z.strictObject({
  workspaceId: z.string().min(1),
  /** ARM id of the workspace; names the subscription in error messages. */
  resourceId: z.string().optional(),
  tables: z.array(z.enum(["AzureDiagnostics", "AppRequests"])).min(1),
});

export const EndpointsSchema = z.strictObject({
  /** Entra ID authority host, e.g. https://login.microsoftonline.com. */
  authorityHost: z.url(),
  /** Azure Resource Manager, e.g. https://management.azure.com. */
  resourceManager: z.url(),
  /** Token audience of ARM when it differs from the endpoint (e.g. a proxy or a local test server). */
  resourceManagerAudience: z.url().optional(),
  /** Regional metrics endpoint; "{region}" is replaced, e.g. https://{region}.metrics.monitor.azure.com. */
  metrics: z.string().includes("{region}"),
  /** Token audience of the metrics data plane. */
  metricsAudience: z.url(),
  /** Log Analytics query API including the version segment, e.g. https://api.loganalytics.io/v1. */
  logs: z.url().regex(/\/v1\/?$/, "the Log Analytics endpoint must end in /v1"),
  /** Token audience of Log Analytics. */
  logsAudience: z.url(),
});
export type Endpoints = z.infer<typeof EndpointsSchema>;

export const PUBLIC_CLOUD: Endpoints = {
  authorityHost: "https://login.microsoftonline.com",
  resourceManager: "https://management.azure.com",
  metrics: "https://{region}.metrics.monitor.azure.com",
  metricsAudience: "https://metrics.monitor.azure.com",
  logs: "https://api.loganalytics.io/v1",
  logsAudience: "https://api.loganalytics.io",
};

/** Endpoints per Azure cloud (config azure.cloud). */
export const CLOUD_ENDPOINTS: Record<"AzurePublicCloud" | "AzureUSGovernment" | "AzureChinaCloud", Endpoints> = {
  AzurePublicCloud: PUBLIC_CLOUD,
  AzureUSGovernment: {
    authorityHost: "https://login.microsoftonline.us",
    resourceManager: "https://management.usgovcloudapi.net",
    metrics: "https://{region}.metrics.monitor.azure.us",
    metricsAudience: "https://metrics.monitor.azure.us",
    logs: "https://api.loganalytics.us/v1",
    logsAudience: "https://api.loganalytics.us",
  },
  AzureChinaCloud: {
    authorityHost: "https://login.chinacloudapi.cn",
    resourceManager: "https://management.chinacloudapi.cn",
    metrics: "https://{region}.metrics.monitor.azure.cn",
    metricsAudience: "https://metrics.monitor.azure.cn",
    logs: "https://api.loganalytics.azure.cn/v1",
    logsAudience: "https://api.loganalytics.azure.cn",
  },
};

export const PollerSettingsSchema = z.strictObject({
  environment: z.string().min(1),
  tenantId: z.string().min(1),
  credentialsSecretName: z.string().min(1),
  accounts: z.array(AccountSettings).min(1),
  workspaces: z.array(WorkspaceSettings).default([]),
  prices: z.record(z.string(), z.strictObject({ inputUsdPer1kTokens: z.number(), outputUsdPer1kTokens: z.number() })),
  endpoints: EndpointsSchema.default(PUBLIC_CLOUD),
  /** DynamoDB table holding what was already published (and when Azure was last read). */
  watermarkTable: z.string().min(1),
  /** Minutes re-read on every poll, so data that arrives late is still picked up. */
  lookbackMinutes: z.number().int().min(5).max(120).default(30),
  /** A platform-metric minute is published once it is this many minutes old. */
  metricsSettleMinutes: z.number().int().min(0).max(60).default(AZURE_SETTLE_MINUTES.metrics),
  /** A log-derived minute is published once it is this many minutes old (ingestion takes 3-10 min). */
  logsSettleMinutes: z.number().int().min(0).max(60).default(AZURE_SETTLE_MINUTES.logs),
  /** Deployment quotas (ARM) are re-read after this many minutes. */
  quotaCacheMinutes: z.number().int().min(1).max(1440).default(30),
  /** Longest Retry-After the poller honours inside one invocation; longer waits fail this call. */
  maxRetryAfterSeconds: z.number().min(0).max(60).default(20),
  maxRetries: z.number().int().min(0).max(10).default(3),
});
export type PollerSettings = z.infer<typeof PollerSettingsSchema>;
export type AccountSettings = z.infer<typeof AccountSettings>;
