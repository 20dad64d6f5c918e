/**
 * The per-environment configuration, validated at synth time. One JSON file per environment
 * in config/<name>.json. Every field below is documented in docs/configuration.md.
 *
 * No secret ever sits here: credentials are referred to by Secrets Manager *name* and
 * resolved at run time (Lambdas) or at deploy time (CloudFormation dynamic references).
 */
import { z } from "zod";
import { DEFAULT_TELEMETRY_STORE, TelemetryStoreSchema, telemetryStoreIssues } from "./telemetry-store";

/** Commercial, GovCloud and China regions where Lambda, Kinesis and CloudWatch exist. */
export const AWS_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-south-1",
  "eu-south-2",
  "eu-north-1",
  "il-central-1",
  "me-south-1",
  "me-central-1",
  "mx-central-1",
  "sa-east-1",
  "us-gov-east-1",
  "us-gov-west-1",
  "cn-north-1",
  "cn-northwest-1",
] as const;

/** Retention values CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const secretName = z
  .string()
  .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, "a Secrets Manager secret *name* (letters, digits, / _ + = . @ -), not the secret itself")
  .refine((s) => !/^https?:/i.test(s), "looks like a URL: put the value in Secrets Manager and give its name here");

const name = (what: string) =>
  z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, `${what}: lower-case letters, digits and '-', starting with a letter, at most 31 characters`);

/** host, host:port, IPv4, IPv4:port, or an IPv4 last-octet range "10.1.2.10-10.1.2.200". */
const bmcEndpoint = z
  .string()
  .regex(
    /^(?:(?:\d{1,3}\.){3}\d{1,3}-(?:\d{1,3}\.){3}\d{1,3}|\[?[A-Za-z0-9.:-]+\]?(?::\d{1,5})?)$/,
    "a BMC host, host:port, or an IPv4 range 'a.b.c.x-a.b.c.y' (no scheme, no path)",
  );

export const NetworkSchema = z.strictObject({
  vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "a VPC id like vpc-0123456789abcdef0"),
  availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, "an availability zone like eu-west-1a")).min(1),
  subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "a subnet id like subnet-0123456789abcdef0")).min(1),
  /** CIDRs of the BMC networks: the poller's security group allows HTTPS egress to these only. */
  bmcCidrs: z.array(z.cidrv4()).min(1),
  /**
   * Where the poller reaches the AWS APIs it calls (Kinesis, Secrets Manager) on 443: the CIDRs
   * of the subnets holding those interface VPC endpoints. ["0.0.0.0/0"] only when it goes out
   * through a NAT gateway. Default: ["0.0.0.0/0"], with a synth warning.
   */
  awsApiEgressCidrs: z.array(z.cidrv4()).min(1).optional(),
});

export const ClusterSchema = z.strictObject({
  name: name("cluster name"),
  bmcs: z.array(bmcEndpoint).min(1, "list at least one BMC endpoint"),
  /** Secrets Manager secret holding {"username": "...", "password": "..."} for these BMCs. */
  credentialsSecretName: secretName,
  /** PEM file (path relative to the repository) with the CA(s) that signed these BMCs' certificates. */
  caBundleFile: z.string().optional(),
  /** Explicit opt-out of certificate verification for this cluster only; logs a warning every poll. */
  insecureSkipTlsVerify: z.boolean().default(false),
  auth: z.enum(["basic", "session"]).default("session"),
});

export const RedfishSchema = z.strictObject({
  network: NetworkSchema,
  /** BMCs per shard: one schedule and one Lambda invocation per shard per minute. */
  shardSize: z.number().int().min(1).max(2000).default(500),
  /** Poll interval in seconds (EventBridge Scheduler's minimum is 60). */
  intervalSeconds: z.number().int().min(60).max(3600).default(60),
  /** Concurrent BMCs per invocation. */
  concurrency: z.number().int().min(1).max(1024).default(128),
  requestTimeoutMs: z.number().int().min(500).max(30_000).default(5_000),
  clusters: z.array(ClusterSchema).min(1),
});

const azureResourceId = (what: string) =>
  z
    .string()
    .regex(
      /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+$/,
      `${what}: an Azure resource id like /subscriptions/<guid>/resourceGroups/<rg>/providers/<provider>/<type>/<name>`,
    );

export const DeploymentSchema = z.strictObject({
  name: z.string().min(1).max(64),
  team: name("team"),
  /** Model name as priced in azure.prices (e.g. gpt-4o). */
  model: z.string().min(1),
  sloP99Ms: z.number().positive(),
  dailyBudgetUsd: z.number().positive(),
});

export const AzureOpenAiAccountSchema = z.strictObject({
  resourceId: azureResourceId("account resourceId").refine(
    (id) => /\/providers\/Microsoft\.CognitiveServices\/accounts\//i.test(id),
    "must be a Microsoft.CognitiveServices/accounts resource id",
  ),
  /** Azure region of the account, e.g. swedencentral (metrics:getBatch is regional). */
  region: z.string().regex(/^[a-z0-9]+$/, "an Azure region name like swedencentral"),
  deployments: z.array(DeploymentSchema).min(1),
});

export const WorkspaceSchema = z.strictObject({
  /** Log Analytics workspace id (GUID) used by the query API. */
  workspaceId: z.uuid(),
  resourceId: azureResourceId("workspace resourceId"),
  /** "diagnostics": AzureDiagnostics from the OpenAI accounts; "appInsights": AppRequests. */
  tables: z.array(z.enum(["AzureDiagnostics", "AppRequests"])).min(1),
});

export const ModelPriceSchema = z.strictObject({
  inputUsdPer1kTokens: z.number().nonnegative(),
  outputUsdPer1kTokens: z.number().nonnegative(),
});

export const AzureSchema = z.strictObject({
  tenantId: z.uuid(),
  /** Secrets Manager secret holding {"tenantId","clientId","clientSecret"} of the service principal. */
  credentialsSecretName: secretName,
  accounts: z.array(AzureOpenAiAccountSchema).min(1),
  workspaces: z.array(WorkspaceSchema).default([]),
  prices: z.record(z.string(), ModelPriceSchema),
  /** Provision the Azure side (diagnostic settings, saved searches, alert rules, action group) on deploy. */
  provisionAzureSide: z.boolean().default(false),
  /** Which Azure cloud the accounts live in: sets the Entra ID, ARM, metrics and Log Analytics endpoints. */
  cloud: z.enum(["AzurePublicCloud", "AzureUSGovernment", "AzureChinaCloud"]).default("AzurePublicCloud"),
  /**
   * Entra ID-signed action group webhook (docs/azure-side.md): the app registration the action
   * group gets tokens for. Without it the webhook URL carries a shared token (fallback).
   */
  secureWebhook: z
    .strictObject({
      /** Object id of the app registration's service principal (action group `objectId`). */
      applicationObjectId: z.uuid(),
      /** Application ID URI, e.g. api://fleetwatch-alert-intake: the token's audience. */
      identifierUri: z.string().min(1),
    })
    .optional(),
});

export const PagingSchema = z.strictObject({
  p1: z.strictObject({
    /** Secret whose value is the PagerDuty CloudWatch integration URL (resolved at deploy time). */
    pagerDutyIntegrationUrlSecretName: secretName.optional(),
  }),
  p2: z.strictObject({
    slack: z
      .array(
        z.strictObject({
          workspaceId: z.string().regex(/^[A-Z0-9]{9,}$/, "the Slack workspace (team) id, e.g. T0123ABCD"),
          channelId: z.string().regex(/^[A-Z0-9]{9,}$/, "the Slack channel id, e.g. C0123ABCD"),
        }),
      )
      .default([]),
    teams: z
      .array(
        z.strictObject({
          tenantId: z.uuid("the Microsoft Entra tenant id (a GUID)"),
          teamId: z.uuid("the Microsoft Teams team id (a GUID, from the team's link groupId=...)"),
          channelId: z.string().regex(/^19:.+@thread\.(tacv2|skype)$/, "the Teams channel id, like 19:abc@thread.tacv2"),
        }),
      )
      .default([]),
  }),
  p3: z.strictObject({
    emails: z.array(z.email()).default([]),
    /** Secret whose value is an HTTPS ticketing webhook URL. */
    ticketWebhookSecretName: secretName.optional(),
  }),
});

const nonNegative = z.number().nonnegative("must be >= 0");

export const ThresholdOverrideSchema = z.strictObject({
  warn: nonNegative.optional(),
  critical: nonNegative.optional(),
  datapointsToAlarm: z.number().int().min(1).optional(),
  evaluationPeriods: z.number().int().min(1).optional(),
  enabled: z.boolean().optional(),
});

export const BudgetsSchema = z.strictObject({
  /** What one GPU-hour costs you (amortised or on-demand), for GPU spend. */
  gpuHourUsd: nonNegative,
  dailyGpuBudgetUsd: nonNegative,
  monthlyGpuBudgetUsd: nonNegative,
  dailyTokenBudgetUsd: nonNegative,
  monthlyTokenBudgetUsd: nonNegative,
});

/** SLO targets FleetWatch accepts (percent of good events over 30 days). */
export const SLO_TARGET_RANGE = { min: 90, max: 99.99 } as const;

const outOfRange = (input: unknown) =>
  `an SLO target is a percentage between ${SLO_TARGET_RANGE.min} and ${SLO_TARGET_RANGE.max} (e.g. 99.9), got ${JSON.stringify(input)}: ` +
  `under ${SLO_TARGET_RANGE.min} % the budget is too large for burn-rate alerts to mean anything; over ${SLO_TARGET_RANGE.max} % ` +
  "the 30-day budget is less than 4.3 minutes of outage, shorter than the data takes to reach CloudWatch";

/** One SLO target (%). Outside 90-99.99 synth fails naming the field. */
export const SloTargetSchema = z
  .number({ error: (i) => outOfRange(i.input) })
  .min(SLO_TARGET_RANGE.min, { error: (i) => outOfRange(i.input) })
  .max(SLO_TARGET_RANGE.max, { error: (i) => outOfRange(i.input) });

/**
 * Service level objectives, per environment (docs/alarms.md, "SLOs and burn-rate alerts"). Each
 * kind has a default target for every instance and optional per-instance targets by name;
 * `enabled: false` removes its burn-rate alarms and brings back the threshold alarms it retired.
 */
export const SlosSchema = z.strictObject({
  /** Azure OpenAI availability: share of requests not answered 429 or 5xx, per deployment. */
  aoaiAvailability: z
    .strictObject({
      enabled: z.boolean().default(true),
      target: SloTargetSchema.default(99.9),
      /** Target per deployment name. */
      deployments: z.record(z.string(), SloTargetSchema).default({}),
    })
    .prefault({}),
  /** Azure OpenAI latency: share of minutes with traffic whose P99 is at or under the threshold, per deployment. */
  aoaiLatency: z
    .strictObject({
      enabled: z.boolean().default(true),
      target: SloTargetSchema.default(99),
      /** Per deployment name: its target and/or its threshold (default: the deployment's sloP99Ms). */
      deployments: z
        .record(z.string(), z.strictObject({ target: SloTargetSchema.optional(), thresholdMs: z.number().positive().optional() }))
        .default({}),
    })
    .prefault({}),
  /** GPU fleet: share of GPU-minutes healthy (reporting, not over the critical temperature, not throttled), per cluster. */
  gpuFleet: z
    .strictObject({
      enabled: z.boolean().default(true),
      target: SloTargetSchema.default(99.5),
      /** Target per cluster name. */
      clusters: z.record(z.string(), SloTargetSchema).default({}),
    })
    .prefault({}),
});

export const RetentionSchema = z.strictObject({
  logDays: z
    .number()
    .int()
    .refine(
      (d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d),
      `one of CloudWatch Logs' retention values: ${LOG_RETENTION_DAYS.join(", ")}`,
    )
    .default(30),
  // Memory store only has to take on-time writes (late data goes to the magnetic store, which
  // magnetic-store writes accept); it is the largest cost line at fleet scale (docs/cost.md).
  timestreamMemoryHours: z.number().int().min(1).max(8766).default(2),
  // Per-component detail for incident reviews; fleet aggregates stay 15 months in CloudWatch.
  timestreamMagneticDays: z.number().int().min(1).max(73000).default(90),
});

export const EnvironmentConfigSchema = z
  .strictObject({
    name: name("environment name"),
    account: z.string().regex(/^\d{12}$/, "a 12-digit AWS account id"),
    region: z.enum(AWS_REGIONS, { error: (i) => `unknown AWS region ${JSON.stringify(i.input)}; allowed: ${AWS_REGIONS.join(", ")}` }),
    redfish: RedfishSchema,
    azure: AzureSchema.optional(),
    paging: PagingSchema,
    /** Per-signal overrides of the signal catalog's defaults, keyed by signal id. */
    thresholds: z.record(z.string(), ThresholdOverrideSchema).default({}),
    budgets: BudgetsSchema,
    /** Service level objectives and their burn-rate alarms (core/catalog/slo.ts). */
    slos: SlosSchema.prefault({}),
    retention: RetentionSchema.default({ logDays: 30, timestreamMemoryHours: 2, timestreamMagneticDays: 90 }),
    /** Off by default: publish an EventBridge event on sustained GPU overheating for a drain job. */
    remediation: z.strictObject({ gpuOverheatEvent: z.boolean().default(false) }).default({ gpuOverheatEvent: false }),
    tags: z.record(z.string(), z.string()).default({}),
    /** Where per-component telemetry is stored (core/config/telemetry-store.ts, docs/telemetry.md). */
    telemetryStore: TelemetryStoreSchema.default(DEFAULT_TELEMETRY_STORE),
  })
  .superRefine((config, ctx) => {
    for (const issue of telemetryStoreIssues(config)) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  });

export type EnvironmentConfig = z.infer<typeof EnvironmentConfigSchema>;
export type ClusterConfig = z.infer<typeof ClusterSchema>;
export type AzureConfig = z.infer<typeof AzureSchema>;
export type DeploymentConfig = z.infer<typeof DeploymentSchema>;
export type SlosConfig = z.infer<typeof SlosSchema>;
