/**
 * Every CloudWatch metric FleetWatch emits, in one place. Emitters (poller, ingest, Azure
 * poller) publish exactly these; the signal catalog, alarms and dashboards refer to them by
 * key. A test cross-checks that nothing refers to a metric that is not listed here.
 *
 * Cardinality rule: dimensions are bounded by configuration (environment, cluster,
 * deployment, team), never by the number of GPUs or BMCs.
 */

export const METRIC_NAMESPACE = "FleetWatch";

export type MetricDimension = "Environment" | "Cluster" | "Deployment" | "Team" | "MetricFamily" | "Tier" | "HorizonDays";
export type MetricUnit = "Count" | "Percent" | "Milliseconds" | "Seconds" | "None";

export interface MetricSpec {
  /** CloudWatch metric name. */
  readonly name: string;
  readonly unit: MetricUnit;
  /** The dimension set the metric is published with (exactly this set). */
  readonly dimensions: readonly MetricDimension[];
  /** Which component publishes it. */
  readonly emitter: "redfish-poller" | "telemetry-ingest" | "azure-openai-poller" | "incident-recorder" | "capacity-forecast";
  readonly description: string;
}

const fleet = ["Environment", "Cluster"] as const;
const env = ["Environment"] as const;
const deployment = ["Environment", "Deployment"] as const;
/** Paging tier: P1, P2, P3 (three values). */
const tier = ["Environment", "Tier"] as const;
/** Forecast horizon: "30", "60", "90" (three values). */
const deploymentHorizon = ["Environment", "Deployment", "HorizonDays"] as const;
const clusterHorizon = ["Environment", "Cluster", "HorizonDays"] as const;
const envHorizon = ["Environment", "HorizonDays"] as const;

function m(
  name: string,
  unit: MetricUnit,
  dimensions: readonly MetricDimension[],
  emitter: MetricSpec["emitter"],
  description: string,
): MetricSpec {
  return { name, unit, dimensions, emitter, description };
}

export const METRICS = {
  // --- redfish-poller: the poller's own health, per environment and cluster ---
  pollerBmcsPolled: m("PollerBmcsPolled", "Count", fleet, "redfish-poller", "BMCs polled in this sweep"),
  pollerBmcsUnreachable: m("PollerBmcsUnreachable", "Count", fleet, "redfish-poller", "BMCs that did not answer (timeout, refused, TLS)"),
  pollerAuthFailures: m(
    "PollerAuthFailures",
    "Count",
    fleet,
    "redfish-poller",
    "BMCs that rejected the credentials (401/403) or had no free session",
  ),
  pollerRequests: m("PollerRequests", "Count", fleet, "redfish-poller", "HTTP requests made to BMCs"),
  pollerSweepDurationMs: m("PollerSweepDurationMs", "Milliseconds", fleet, "redfish-poller", "Wall time of one shard sweep"),
  // Environment totals of the two counts above, so the fleet-wide BMC network outage alarm is one
  // ratio of two metrics whatever the number of clusters (an alarm expression takes at most 10).
  pollerBmcsPolledInEnvironment: m(
    "PollerBmcsPolledInEnvironment",
    "Count",
    env,
    "redfish-poller",
    "BMCs polled in this sweep, all clusters of the environment",
  ),
  pollerBmcsUnreachableInEnvironment: m(
    "PollerBmcsUnreachableInEnvironment",
    "Count",
    env,
    "redfish-poller",
    "BMCs that did not answer, all clusters of the environment",
  ),
  pollerSnapshotsUndelivered: m(
    "PollerSnapshotsUndelivered",
    "Count",
    env,
    "redfish-poller",
    "Snapshots that could not be written to Kinesis after retries",
  ),

  // --- telemetry-ingest: fleet aggregates, per environment and cluster ---
  gpuTemperatureMaxC: m("GpuTemperatureMaxC", "None", fleet, "telemetry-ingest", "Hottest GPU temperature in the cluster (deg C)"),
  gpusOverWarnTemperature: m("GpusOverWarnTemperature", "Count", fleet, "telemetry-ingest", "GPUs above the warn temperature"),
  gpusOverCriticalTemperature: m("GpusOverCriticalTemperature", "Count", fleet, "telemetry-ingest", "GPUs above the critical temperature"),
  gpusThrottled: m("GpusThrottled", "Count", fleet, "telemetry-ingest", "GPUs reporting thermal or power throttling"),
  gpusNewUncorrectableEcc: m(
    "GpusNewUncorrectableEcc",
    "Count",
    fleet,
    "telemetry-ingest",
    "GPUs whose uncorrectable ECC count grew since their previous snapshot",
  ),
  gpusReporting: m("GpusReporting", "Count", fleet, "telemetry-ingest", "GPUs present in ingested snapshots (GPU-hours = sum x interval)"),
  // The environment total, so GPU spend is one metric whatever the number of clusters.
  gpusReportingInEnvironment: m(
    "GpusReportingInEnvironment",
    "Count",
    env,
    "telemetry-ingest",
    "GPUs present in ingested snapshots, all clusters of the environment",
  ),
  fansFailed: m("FansFailed", "Count", fleet, "telemetry-ingest", "Fans failed or below their critical threshold"),
  maxFansFailedPerChassis: m(
    "MaxFansFailedPerChassis",
    "Count",
    fleet,
    "telemetry-ingest",
    "Largest number of failed fans in one BMC's chassis",
  ),
  chassisAtPowerCap: m("ChassisAtPowerCap", "Count", fleet, "telemetry-ingest", "Chassis drawing within 5 % of their power cap"),
  bmcsUnreachable: m(
    "BmcsUnreachable",
    "Count",
    fleet,
    "telemetry-ingest",
    "BMCs whose snapshot status is unreachable, auth_failed or error",
  ),
  bmcsStale: m("BmcsStale", "Count", fleet, "telemetry-ingest", "BMCs whose last good snapshot is older than the staleness limit"),
  snapshotsIngested: m("SnapshotsIngested", "Count", fleet, "telemetry-ingest", "Snapshots written to the sink"),
  // GPU fleet SLO (core/catalog/slo.ts): good and valid GPU-minutes, summed over a window.
  gpusExpected: m(
    "GpusExpected",
    "Count",
    fleet,
    "telemetry-ingest",
    "GPUs that should have reported: GPUs in good snapshots plus the last known GPU count of BMCs that did not answer",
  ),
  gpusHealthy: m(
    "GpusHealthy",
    "Count",
    fleet,
    "telemetry-ingest",
    "GPUs in the snapshots that are not over the critical temperature and not throttled",
  ),
  sinkRecordsRejected: m(
    "SinkRecordsRejected",
    "Count",
    env,
    "telemetry-ingest",
    "Records the time-series sink rejected (dead-lettered with their reason)",
  ),

  // --- azure-openai-poller: per environment and deployment ---
  aoaiRequests: m("AoaiRequests", "Count", deployment, "azure-openai-poller", "Requests per minute"),
  aoaiSuccessfulRequests: m("AoaiSuccessfulRequests", "Count", deployment, "azure-openai-poller", "Requests that succeeded (2xx)"),
  aoaiUnavailableRequests: m(
    "AoaiUnavailableRequests",
    "Count",
    deployment,
    "azure-openai-poller",
    "Requests answered 429 or 5xx (the availability SLO's bad events)",
  ),
  // A count, so availability over any range is Σ5xx / Σrequests (an average of per-minute rates
  // times the requests would weight quiet minutes like busy ones).
  aoai5xxRequests: m("Aoai5xxRequests", "Count", deployment, "azure-openai-poller", "Requests answered 5xx"),
  aoai429RatePercent: m("Aoai429RatePercent", "Percent", deployment, "azure-openai-poller", "Share of requests answered 429"),
  aoai4xxRatePercent: m(
    "Aoai4xxRatePercent",
    "Percent",
    deployment,
    "azure-openai-poller",
    "Share of requests answered 4xx (429 included)",
  ),
  aoai5xxRatePercent: m("Aoai5xxRatePercent", "Percent", deployment, "azure-openai-poller", "Share of requests answered 5xx"),
  aoaiTimeToFirstTokenMs: m(
    "AoaiTimeToFirstTokenMs",
    "Milliseconds",
    deployment,
    "azure-openai-poller",
    "Average time to the first response of streaming requests (platform metric AzureOpenAITimeToResponse; provisioned deployments only)",
  ),
  aoaiLatencyP50Ms: m("AoaiLatencyP50Ms", "Milliseconds", deployment, "azure-openai-poller", "Request latency, 50th percentile (logs)"),
  aoaiLatencyP95Ms: m("AoaiLatencyP95Ms", "Milliseconds", deployment, "azure-openai-poller", "Request latency, 95th percentile (logs)"),
  aoaiLatencyP99Ms: m("AoaiLatencyP99Ms", "Milliseconds", deployment, "azure-openai-poller", "Request latency, 99th percentile (logs)"),
  aoaiPromptTokens: m("AoaiPromptTokens", "Count", deployment, "azure-openai-poller", "Prompt tokens processed per minute"),
  aoaiGeneratedTokens: m("AoaiGeneratedTokens", "Count", deployment, "azure-openai-poller", "Completion tokens generated per minute"),
  aoaiTokens: m("AoaiTokens", "Count", deployment, "azure-openai-poller", "Total tokens per minute"),
  aoaiTpmUtilizationPercent: m(
    "AoaiTpmUtilizationPercent",
    "Percent",
    deployment,
    "azure-openai-poller",
    "Tokens processed (TokenTransaction) as % of the TPM quota; provisioned: PTU utilisation V2. A lower bound of what the rate limiter counts (it reserves max_tokens)",
  ),
  aoaiRpmUtilizationPercent: m(
    "AoaiRpmUtilizationPercent",
    "Percent",
    deployment,
    "azure-openai-poller",
    "Requests per minute against the deployment's quota",
  ),
  aoaiEstimatedCostUsd: m(
    "AoaiEstimatedCostUsd",
    "None",
    deployment,
    "azure-openai-poller",
    "Estimated spend (USD) from tokens x model price",
  ),
  aoaiTeamEstimatedCostUsd: m(
    "AoaiTeamEstimatedCostUsd",
    "None",
    ["Environment", "Team"],
    "azure-openai-poller",
    "Estimated spend (USD) per team",
  ),
  aoaiNormalizedTimeToFirstBytePerTokenMs: m(
    "AoaiNormalizedTimeToFirstBytePerTokenMs",
    "Milliseconds",
    deployment,
    "azure-openai-poller",
    "Time to first byte normalised per prompt token (platform metric AzureOpenAINormalizedTTFTInMS): a diagnostic ratio, not a wait",
  ),
  aoaiTimeToLastTokenMs: m(
    "AoaiTimeToLastTokenMs",
    "Milliseconds",
    deployment,
    "azure-openai-poller",
    "Average time to last token (platform metric AzureOpenAITTLTInMS)",
  ),
  aoaiAvailabilityPercent: m(
    "AoaiAvailabilityPercent",
    "Percent",
    deployment,
    "azure-openai-poller",
    "Availability rate (platform metric AzureOpenAIAvailabilityRate)",
  ),
  aoaiProvisionedUtilizationPercent: m(
    "AoaiProvisionedUtilizationPercent",
    "Percent",
    deployment,
    "azure-openai-poller",
    "Provisioned (PTU) utilisation (platform metric AzureOpenAIProvisionedManagedUtilizationV2)",
  ),
  azureTelemetryStalenessSeconds: m(
    "AzureTelemetryStalenessSeconds",
    "Seconds",
    env,
    "azure-openai-poller",
    "Seconds since Azure was last read successfully",
  ),
  azureMetricFamilyStalenessSeconds: m(
    "AzureMetricFamilyStalenessSeconds",
    "Seconds",
    ["Environment", "MetricFamily"],
    "azure-openai-poller",
    "Seconds since one family of Azure platform metrics (requests, tokens, performance) was last read completely",
  ),
  azurePollErrors: m("AzurePollErrors", "Count", env, "azure-openai-poller", "Azure calls that failed after retries"),

  // --- incident-recorder: alarm state changes become incidents (lambdas/incident-recorder) ---
  incidentsOpened: m("IncidentsOpened", "Count", tier, "incident-recorder", "Incidents opened (an alarm entered ALARM; flaps excluded)"),
  incidentsResolved: m("IncidentsResolved", "Count", tier, "incident-recorder", "Incidents resolved for the first time (flaps excluded)"),
  incidentResolutionSeconds: m(
    "IncidentResolutionSeconds",
    "Seconds",
    tier,
    "incident-recorder",
    "Seconds added to incidents' durations when they resolve; MTTR = Sum / IncidentsResolved Sum",
  ),

  // --- capacity-forecast: daily projections and regional quota headroom (lambdas/capacity-forecast) ---
  forecastAoaiRequestsPerDay: m(
    "ForecastAoaiRequestsPerDay",
    "Count",
    deploymentHorizon,
    "capacity-forecast",
    "Projected requests per day, HorizonDays ahead",
  ),
  forecastAoaiTokensPerDay: m(
    "ForecastAoaiTokensPerDay",
    "Count",
    deploymentHorizon,
    "capacity-forecast",
    "Projected tokens per day, HorizonDays ahead",
  ),
  forecastAoaiTokensPercentOfQuota: m(
    "ForecastAoaiTokensPercentOfQuota",
    "Percent",
    deploymentHorizon,
    "capacity-forecast",
    "Projected tokens per day against the deployment's TPM capacity x 1,440",
  ),
  forecastAoaiSpendPercentOfBudget: m(
    "ForecastAoaiSpendPercentOfBudget",
    "Percent",
    deploymentHorizon,
    "capacity-forecast",
    "Projected token spend per day against the deployment's daily budget",
  ),
  forecastGpusReporting: m(
    "ForecastGpusReporting",
    "Count",
    clusterHorizon,
    "capacity-forecast",
    "Projected GPUs reporting (daily average)",
  ),
  forecastGpuSpendPercentOfBudget: m(
    "ForecastGpuSpendPercentOfBudget",
    "Percent",
    envHorizon,
    "capacity-forecast",
    "Projected GPU spend per day (all clusters) against the daily GPU budget",
  ),
  forecastDaysToQuota: m(
    "ForecastDaysToQuota",
    "None",
    deployment,
    "capacity-forecast",
    "Days until projected tokens per day cross the deployment's capacity (only when within 365 days)",
  ),
  forecastDaysToBudget: m(
    "ForecastDaysToBudget",
    "None",
    deployment,
    "capacity-forecast",
    "Days until projected token spend crosses the deployment's daily budget (only when within 365 days)",
  ),
  forecastGpuDaysToBudget: m(
    "ForecastGpuDaysToBudget",
    "None",
    env,
    "capacity-forecast",
    "Days until projected GPU spend crosses the daily GPU budget (only when within 365 days)",
  ),
  azureQuotaHeadroomPercent: m(
    "AzureQuotaHeadroomPercent",
    "Percent",
    deployment,
    "capacity-forecast",
    "Subscription quota left in the region and model row this deployment draws from (100 x (limit - used) / limit)",
  ),
  azureQuotaHeadroomMinPercent: m(
    "AzureQuotaHeadroomMinPercent",
    "Percent",
    env,
    "capacity-forecast",
    "Lowest regional quota headroom over every region and model the environment deploys",
  ),
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof METRICS;

/**
 * Azure data arrives late (platform metrics within a few minutes, Log Analytics within 3-10),
 * so the azure-openai-poller publishes a minute only once it has settled, exactly once. An
 * alarm on these metrics therefore always sees its newest minutes empty: its evaluation window
 * is widened by the publish lag so that M breaching minutes still fit in it.
 */
export const AZURE_SETTLE_MINUTES = { metrics: 3, logs: 10 } as const;

/** Periods (1 min) between a minute ending and its datapoint being in CloudWatch: settle + one poll cycle. */
export const AZURE_PUBLISH_LAG_PERIODS = {
  metrics: AZURE_SETTLE_MINUTES.metrics + 1,
  logs: AZURE_SETTLE_MINUTES.logs + 1,
} as const;
