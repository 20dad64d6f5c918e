/**
 * The Azure Monitor platform metrics the poller reads (namespace Microsoft.CognitiveServices/accounts),
 * grouped into getBatch calls by the aggregation each metric supports. One call asks for one
 * aggregation: token metrics support only Total, latency/availability/PTU metrics only
 * Average/Minimum/Maximum, and a call that mixes them is answered with per-metric errors.
 * Sources:
 *  - https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-cognitiveservices-accounts-metrics
 *    (aggregations, dimensions, DS export)
 *  - https://learn.microsoft.com/azure/ai-services/openai/monitor-openai-reference
 *    (which deployment types each metric exists for: Time to Response, Time Between Tokens and
 *    Tokens per Second are not available for Standard deployments; PTU utilisation is
 *    provisioned-only)
 */
import type { MetricKey } from "../../core/metric-registry";

/** Staleness is tracked per family: a failed latency call does not blind the requests alarm. */
export type MetricFamily = "requests" | "tokens" | "performance";
export const METRIC_FAMILIES: readonly MetricFamily[] = ["requests", "tokens", "performance"];

/** Deployment SKUs grouped the way Microsoft's reference states availability. */
export type DeploymentType = "standard" | "provisioned" | "batch";

export interface SourceMetric {
  /** Name in the REST API. */
  readonly azureName: string;
  readonly family: MetricFamily;
  /** The one aggregation requested (and supported). */
  readonly aggregation: "total" | "average";
  /** Unit as Azure reports it. */
  readonly azureUnit: "Count" | "MilliSeconds" | "Percent";
  readonly deploymentTypes: readonly DeploymentType[];
  /** What FleetWatch publishes from it (undefined: used only as an input to other values). */
  readonly publishes: readonly MetricKey[];
}

const ALL: readonly DeploymentType[] = ["standard", "provisioned", "batch"];

export const SOURCE_METRICS: readonly SourceMetric[] = [
  {
    azureName: "AzureOpenAIRequests",
    family: "requests",
    aggregation: "total",
    azureUnit: "Count",
    deploymentTypes: ALL,
    publishes: [
      "aoaiRequests",
      "aoaiSuccessfulRequests",
      "aoai429RatePercent",
      "aoai4xxRatePercent",
      "aoai5xxRatePercent",
      "aoaiRpmUtilizationPercent",
    ],
  },
  {
    azureName: "ProcessedPromptTokens",
    family: "tokens",
    aggregation: "total",
    azureUnit: "Count",
    deploymentTypes: ALL,
    publishes: ["aoaiPromptTokens", "aoaiEstimatedCostUsd"],
  },
  {
    azureName: "GeneratedTokens",
    family: "tokens",
    aggregation: "total",
    azureUnit: "Count",
    deploymentTypes: ALL,
    publishes: ["aoaiGeneratedTokens", "aoaiEstimatedCostUsd"],
  },
  {
    azureName: "TokenTransaction",
    family: "tokens",
    aggregation: "total",
    azureUnit: "Count",
    deploymentTypes: ALL,
    publishes: ["aoaiTokens", "aoaiTpmUtilizationPercent"],
  },
  {
    // The time to the first response of a streaming request, as measured by the API gateway.
    azureName: "AzureOpenAITimeToResponse",
    family: "performance",
    aggregation: "average",
    azureUnit: "MilliSeconds",
    deploymentTypes: ["provisioned"],
    publishes: ["aoaiTimeToFirstTokenMs"],
  },
  {
    // Normalised by prompt size: a diagnostic ratio, not a latency a user waits for.
    azureName: "AzureOpenAINormalizedTTFTInMS",
    family: "performance",
    aggregation: "average",
    azureUnit: "MilliSeconds",
    deploymentTypes: ALL,
    publishes: ["aoaiNormalizedTimeToFirstBytePerTokenMs"],
  },
  {
    azureName: "AzureOpenAITTLTInMS",
    family: "performance",
    aggregation: "average",
    azureUnit: "MilliSeconds",
    deploymentTypes: ALL,
    publishes: ["aoaiTimeToLastTokenMs"],
  },
  {
    azureName: "AzureOpenAIAvailabilityRate",
    family: "performance",
    aggregation: "average",
    azureUnit: "Percent",
    deploymentTypes: ALL,
    publishes: ["aoaiAvailabilityPercent"],
  },
  {
    azureName: "AzureOpenAIProvisionedManagedUtilizationV2",
    family: "performance",
    aggregation: "average",
    azureUnit: "Percent",
    deploymentTypes: ["provisioned"],
    publishes: ["aoaiProvisionedUtilizationPercent", "aoaiTpmUtilizationPercent"],
  },
];

export interface MetricCall {
  readonly family: MetricFamily;
  readonly names: readonly string[];
  readonly aggregation: "total" | "average";
  readonly filter: string;
}

/** One getBatch call per family and resource batch; only requests are split by status code. */
export const METRIC_CALLS: readonly MetricCall[] = METRIC_FAMILIES.map((family) => {
  const metrics = SOURCE_METRICS.filter((m) => m.family === family);
  const aggregations = new Set(metrics.map((m) => m.aggregation));
  if (aggregations.size !== 1) throw new Error(`metric family ${family} mixes aggregations`);
  return {
    family,
    names: metrics.map((m) => m.azureName),
    aggregation: metrics[0]?.aggregation ?? "total",
    filter: family === "requests" ? "ModelDeploymentName eq '*' and StatusCode eq '*'" : "ModelDeploymentName eq '*'",
  };
});
