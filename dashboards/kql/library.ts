/**
 * The FleetWatch KQL library. Every question is written twice: once for the Application Insights
 * `AppRequests` of the apps that call Azure OpenAI, once for the Azure OpenAI `RequestResponse`
 * logs in `AzureDiagnostics`. Parameters are `let`s prepended by render(), so the same text is
 * a saved search (with defaults) and an alert rule (with the environment's SLOs).
 *
 * Where the request logs cannot answer (RequestResponse has no token counts, nothing has GPU
 * utilisation), the query also reads the platform metrics in `AzureMetrics`, and says so.
 */
import type { KqlFlavour, KqlParameter, KqlQuery } from "./types";

// Azure OpenAI platform metric names (Microsoft.CognitiveServices/accounts, REST API names).
export const PROMPT_TOKENS_METRIC = "ProcessedPromptTokens";
export const COMPLETION_TOKENS_METRIC = "GeneratedTokens";
export const PTU_UTILISATION_METRIC = "AzureOpenAIProvisionedManagedUtilizationV2";

const p = (name: string, type: KqlParameter["type"], value: unknown, description: string): KqlParameter => ({
  name,
  type,
  default: value,
  description,
});

const lookback = (value = "1d") => p("lookback", "timespan", value, "How far back to read.");
const binSize = (value = "5m") => p("binSize", "timespan", value, "Time bucket of the series.");
const deploymentFilter = p("deploymentFilter", "string", "", "Only this deployment; empty for all.");
const deploymentProperty = p(
  "deploymentProperty",
  "string",
  "gen_ai.request.model",
  "AppRequests custom dimension holding the Azure OpenAI deployment (OpenTelemetry GenAI convention); falls back to AppRoleName.",
);
const sloByDeployment = p("sloByDeployment", "dynamic", {}, "P99 latency SLO in ms per deployment name (from config).");
const defaultSloMs = p("defaultSloMs", "real", 10000, "SLO in ms for deployments missing from sloByDeployment.");
const minRequests = (value: number) =>
  p("minRequests", "long", value, "Ignore deployments with fewer requests (too little data to judge).");

/** Common head of every RequestResponse query: one row per Azure OpenAI call, with its deployment. */
const DIAGNOSTICS_REQUESTS = `AzureDiagnostics
| where TimeGenerated > ago(lookback)
| where ResourceProvider == "MICROSOFT.COGNITIVESERVICES" and Category == "RequestResponse"
| extend props = parse_json(properties_s)
| extend deployment = tostring(props.modelDeploymentName), status = toint(ResultSignature)
| where isempty(deploymentFilter) or deployment == deploymentFilter`;

/** Common head of every AppRequests query; ItemCount undoes Application Insights sampling. */
const APP_REQUESTS = `AppRequests
| where TimeGenerated > ago(lookback)
| extend deployment = coalesce(tostring(Properties[deploymentProperty]), AppRoleName), status = toint(ResultCode)
| where isempty(deploymentFilter) or deployment == deploymentFilter`;

const head = (flavour: KqlFlavour) => (flavour === "appRequests" ? APP_REQUESTS : DIAGNOSTICS_REQUESTS);
const headParameters = (flavour: KqlFlavour) => (flavour === "appRequests" ? [deploymentFilter, deploymentProperty] : [deploymentFilter]);
const requestTable = (flavour: KqlFlavour) => (flavour === "appRequests" ? ("AppRequests" as const) : ("AzureDiagnostics" as const));
/** Sampled AppRequests rows stand for ItemCount requests; RequestResponse rows for one. */
const weight = (flavour: KqlFlavour) => (flavour === "appRequests" ? "ItemCount" : "1");
const FLAVOURS: readonly KqlFlavour[] = ["appRequests", "azureDiagnostics"];
const flavourLabel = (flavour: KqlFlavour) => (flavour === "appRequests" ? "AppRequests" : "Azure OpenAI RequestResponse");

function highLatencyOverSlo(flavour: KqlFlavour): KqlQuery {
  const extra =
    flavour === "appRequests" ? "Name, AppRoleName, ResultCode, OperationId" : "OperationName, ResultSignature, Resource, CorrelationId";
  return {
    id: "high-latency-over-slo",
    flavour,
    name: `High-latency requests over the SLO (${flavourLabel(flavour)})`,
    description: "The slowest individual requests whose duration exceeds their deployment's P99 SLO, slowest first.",
    tables: [requestTable(flavour)],
    parameters: [lookback("1h"), ...headParameters(flavour), sloByDeployment, defaultSloMs, p("maxRows", "long", 200, "Rows to return.")],
    body: `${head(flavour)}
| extend sloMs = coalesce(todouble(sloByDeployment[deployment]), defaultSloMs)
| where DurationMs > sloMs
| project TimeGenerated, deployment, DurationMs, sloMs, overSloMs = DurationMs - sloMs, ${extra}
| order by DurationMs desc
| take maxRows`,
  };
}

function throttlingRate(flavour: KqlFlavour): KqlQuery {
  return {
    id: "throttling-429-rate",
    flavour,
    name: `HTTP 429 rate over time (${flavourLabel(flavour)})`,
    description:
      "Share of requests rejected with HTTP 429 per deployment and time bucket. Single 429s are normal; sustained rates are not.",
    tables: [requestTable(flavour)],
    parameters: [lookback(), binSize(), ...headParameters(flavour)],
    body: `${head(flavour)}
| summarize requests = sum(${weight(flavour)}), throttled = sumif(${weight(flavour)}, status == 429) by deployment, bin(TimeGenerated, binSize)
| extend throttledPercent = round(100.0 * throttled / requests, 2)
| order by TimeGenerated asc
| render timechart`,
  };
}

function gpuUtilisationVsThroughput(flavour: KqlFlavour): KqlQuery {
  // Azure OpenAI exposes no GPU counter; the closest is the provisioned-throughput (PTU)
  // utilisation metric, which is how busy the GPUs reserved for the deployment are.
  const requests =
    flavour === "appRequests"
      ? `${APP_REQUESTS}
| summarize requests = sum(ItemCount) by TimeGenerated = bin(TimeGenerated, binSize)`
      : `${DIAGNOSTICS_REQUESTS}
| summarize requests = count() by account = tolower(_ResourceId), TimeGenerated = bin(TimeGenerated, binSize)`;
  const utilisationBy =
    flavour === "appRequests"
      ? "TimeGenerated = bin(TimeGenerated, binSize)"
      : "account = tolower(_ResourceId), TimeGenerated = bin(TimeGenerated, binSize)";
  const joinOn = flavour === "appRequests" ? "TimeGenerated" : "account, TimeGenerated";
  const projectAccount = flavour === "appRequests" ? "" : "account, ";
  return {
    id: "gpu-utilisation-vs-throughput",
    flavour,
    name: `GPU (provisioned throughput) utilisation against request throughput (${flavourLabel(flavour)})`,
    description:
      "Requests per minute next to the PTU utilisation metric (percentage of the provisioned GPU capacity in use). High utilisation at flat throughput means heavier requests, not more of them.",
    tables: [requestTable(flavour), "AzureMetrics"],
    parameters: [
      lookback(),
      binSize(),
      ...headParameters(flavour),
      p(
        "utilisationMetric",
        "string",
        PTU_UTILISATION_METRIC,
        "Platform metric holding the provisioned-throughput utilisation in percent.",
      ),
    ],
    body: `let requestsByBin = ${requests};
let utilisationByBin = AzureMetrics
| where TimeGenerated > ago(lookback)
| where ResourceProvider == "MICROSOFT.COGNITIVESERVICES" and MetricName == utilisationMetric
| summarize utilisationPercent = max(Maximum) by ${utilisationBy};
requestsByBin
| join kind=leftouter utilisationByBin on ${joinOn}
| project TimeGenerated, ${projectAccount}requestsPerMinute = round(requests / (binSize / 1m), 2), utilisationPercent
| order by TimeGenerated asc
| render timechart`,
  };
}

function tokenConsumption(flavour: KqlFlavour): KqlQuery {
  if (flavour === "appRequests") {
    return {
      id: "token-consumption-by-deployment",
      flavour,
      name: "Token consumption by deployment (AppRequests)",
      description:
        "Input and output tokens per deployment, from the token counts the calling app records as custom dimensions (OpenTelemetry GenAI names by default).",
      tables: ["AppRequests"],
      parameters: [
        lookback(),
        p("binSize", "timespan", "1h", "Time bucket of the series."),
        deploymentFilter,
        deploymentProperty,
        p("inputTokensProperty", "string", "gen_ai.usage.input_tokens", "Custom dimension with the prompt tokens."),
        p("outputTokensProperty", "string", "gen_ai.usage.output_tokens", "Custom dimension with the completion tokens."),
      ],
      body: `${APP_REQUESTS}
| extend inputTokens = tolong(Properties[inputTokensProperty]), outputTokens = tolong(Properties[outputTokensProperty])
| where isnotnull(inputTokens) or isnotnull(outputTokens)
| summarize inputTokens = sum(inputTokens * ItemCount), outputTokens = sum(outputTokens * ItemCount), requests = sum(ItemCount) by deployment, bin(TimeGenerated, binSize)
| extend totalTokens = inputTokens + outputTokens
| order by TimeGenerated asc`,
    };
  }
  // RequestResponse carries no token counts and the exported AzureMetrics carry no deployment
  // dimension: exact tokens are per account; the per-deployment split is an estimate by payload
  // bytes. Exact per-deployment tokens come from the metrics API (azure-openai-poller).
  return {
    id: "token-consumption-by-deployment",
    flavour,
    name: "Token consumption by deployment (Azure OpenAI RequestResponse + AzureMetrics)",
    description:
      "Exact prompt/completion tokens per account from the platform metrics, split across the account's deployments in proportion to their request/response bytes (estimate: RequestResponse has no token counts and exported metrics have no deployment dimension).",
    tables: ["AzureDiagnostics", "AzureMetrics"],
    parameters: [
      lookback(),
      p("binSize", "timespan", "1h", "Time bucket of the series."),
      deploymentFilter,
      p("promptTokensMetric", "string", PROMPT_TOKENS_METRIC, "Platform metric with the prompt tokens."),
      p("completionTokensMetric", "string", COMPLETION_TOKENS_METRIC, "Platform metric with the completion tokens."),
    ],
    body: `let tokensByAccount = AzureMetrics
| where TimeGenerated > ago(lookback)
| where ResourceProvider == "MICROSOFT.COGNITIVESERVICES" and MetricName in (promptTokensMetric, completionTokensMetric)
| summarize accountPromptTokens = sumif(Total, MetricName == promptTokensMetric), accountCompletionTokens = sumif(Total, MetricName == completionTokensMetric) by account = tolower(_ResourceId), TimeGenerated = bin(TimeGenerated, binSize);
let bytesByDeployment = ${DIAGNOSTICS_REQUESTS}
| summarize requests = count(), requestBytes = sum(tolong(props.requestLength)), responseBytes = sum(tolong(props.responseLength)) by account = tolower(_ResourceId), deployment, TimeGenerated = bin(TimeGenerated, binSize);
let bytesByAccount = bytesByDeployment
| summarize accountRequestBytes = sum(requestBytes), accountResponseBytes = sum(responseBytes) by account, TimeGenerated;
bytesByDeployment
| join kind=inner bytesByAccount on account, TimeGenerated
| join kind=leftouter tokensByAccount on account, TimeGenerated
| project TimeGenerated, account, deployment, requests,
    estimatedPromptTokens = round(accountPromptTokens * todouble(requestBytes) / accountRequestBytes),
    estimatedCompletionTokens = round(accountCompletionTokens * todouble(responseBytes) / accountResponseBytes),
    accountPromptTokens, accountCompletionTokens
| order by TimeGenerated asc`,
  };
}

function errorRateSpike(flavour: KqlFlavour): KqlQuery {
  const w = weight(flavour);
  const source = flavour === "appRequests" ? APP_REQUESTS : DIAGNOSTICS_REQUESTS;
  return {
    id: "error-rate-spike-vs-baseline",
    flavour,
    name: `Error-rate spike against the 7-day baseline (${flavourLabel(flavour)})`,
    description:
      "Server-error rate per deployment in the recent window against the same deployment's rate over the previous 7 days; spike = well above both the baseline and a floor.",
    tables: [requestTable(flavour)],
    parameters: [
      p("lookback", "timespan", "7d", "Baseline length (the recent window is excluded from it)."),
      p("recentWindow", "timespan", "1h", "Window compared against the baseline."),
      ...headParameters(flavour),
      p("errorStatusMin", "long", 500, "Lowest HTTP status counted as an error (429 is tracked separately)."),
      p("spikeFactor", "real", 3, "Spike when the recent rate exceeds the baseline rate times this."),
      p("minErrorRatePercent", "real", 1, "Never call a rate below this a spike."),
      minRequests(20),
    ],
    body: `let requests = ${source};
let baseline = requests
| where TimeGenerated < ago(recentWindow)
| summarize baselineRequests = sum(${w}), baselineErrors = sumif(${w}, status >= errorStatusMin) by deployment;
requests
| where TimeGenerated >= ago(recentWindow)
| summarize recentRequests = sum(${w}), recentErrors = sumif(${w}, status >= errorStatusMin) by deployment
| join kind=leftouter baseline on deployment
| extend errorRatePercent = round(100.0 * recentErrors / recentRequests, 2),
    baselineErrorRatePercent = round(100.0 * coalesce(baselineErrors, 0) / baselineRequests, 2)
| extend spike = recentRequests >= minRequests and errorRatePercent >= minErrorRatePercent
    and errorRatePercent > spikeFactor * coalesce(baselineErrorRatePercent, 0.0)
| project deployment, recentRequests, recentErrors, errorRatePercent, baselineRequests, baselineErrorRatePercent, spike
| order by spike desc, errorRatePercent desc`,
  };
}

function latencyPercentiles(flavour: KqlFlavour): KqlQuery {
  // percentilew weighs sampled AppRequests rows by how many requests each stands for.
  const pct = (n: number) => (flavour === "appRequests" ? `percentilew(DurationMs, ItemCount, ${n})` : `percentile(DurationMs, ${n})`);
  return {
    id: "latency-percentiles",
    flavour,
    name: `Latency percentile distribution (${flavourLabel(flavour)})`,
    description: "P50/P90/P95/P99 latency per deployment and time bucket, with the deployment's SLO for reference.",
    tables: [requestTable(flavour)],
    parameters: [lookback(), binSize(), ...headParameters(flavour), sloByDeployment, defaultSloMs],
    body: `${head(flavour)}
| summarize requests = sum(${weight(flavour)}), p50 = ${pct(50)}, p90 = ${pct(90)}, p95 = ${pct(95)}, p99 = ${pct(99)} by deployment, bin(TimeGenerated, binSize)
| extend sloMs = coalesce(todouble(sloByDeployment[deployment]), defaultSloMs)
| order by TimeGenerated asc
| render timechart`,
  };
}

// ---- Alert queries: one row per deployment over the rule's window. Rows without a deployment
// (account-level calls such as listing deployments) never page. ----

function throttlingAlert(flavour: KqlFlavour): KqlQuery {
  return {
    id: "alert-throttling-429-rate",
    flavour,
    name: `Alert: HTTP 429 rate above 5 % (${flavourLabel(flavour)})`,
    description: "Per deployment, the share of 429s over the alert window. Pages P2 when above the threshold for 10 minutes.",
    tables: [requestTable(flavour)],
    parameters: [lookback("10m"), ...headParameters(flavour), minRequests(20)],
    body: `${head(flavour)}
| where isnotempty(deployment)
| summarize requests = sum(${weight(flavour)}), throttled = sumif(${weight(flavour)}, status == 429) by deployment
| where requests >= minRequests
| extend throttledPercent = 100.0 * throttled / requests`,
    alert: {
      signal: "azure-openai-429-rate",
      severity: 2,
      tier: "P2",
      evaluationFrequency: "PT5M",
      windowSize: "PT10M",
      timeAggregation: "Maximum",
      metricMeasureColumn: "throttledPercent",
      operator: "GreaterThan",
      threshold: 5,
      dimensions: ["deployment"],
      runbook: "Check TPM/RPM against quota for the deployment; raise quota, spread load or add a deployment.",
    },
  };
}

function latencyAlert(flavour: KqlFlavour): KqlQuery {
  return {
    id: "alert-p99-over-slo",
    flavour,
    name: `Alert: P99 latency over the deployment SLO (${flavourLabel(flavour)})`,
    description: "Per deployment, P99 latency divided by its SLO over the alert window (above 1 = breach). Pages P2 after 15 minutes.",
    tables: [requestTable(flavour)],
    parameters: [lookback("15m"), ...headParameters(flavour), sloByDeployment, defaultSloMs, minRequests(20)],
    body: `${head(flavour)}
| where isnotempty(deployment)
| summarize requests = sum(${weight(flavour)}), p99 = ${flavour === "appRequests" ? "percentilew(DurationMs, ItemCount, 99)" : "percentile(DurationMs, 99)"} by deployment
| where requests >= minRequests
| extend sloMs = coalesce(todouble(sloByDeployment[deployment]), defaultSloMs)
| extend p99OverSlo = p99 / sloMs`,
    alert: {
      signal: "azure-openai-p99-over-slo",
      severity: 2,
      tier: "P2",
      evaluationFrequency: "PT5M",
      windowSize: "PT15M",
      timeAggregation: "Maximum",
      metricMeasureColumn: "p99OverSlo",
      operator: "GreaterThan",
      threshold: 1,
      dimensions: ["deployment"],
      runbook: "Compare with the region's status page and the 429 rate; check prompt sizes (responseLength) and PTU utilisation.",
    },
  };
}

function zeroSuccessAlert(flavour: KqlFlavour): KqlQuery {
  return {
    id: "alert-zero-successful-requests",
    flavour,
    name: `Alert: deployment with traffic but zero successful requests (${flavourLabel(flavour)})`,
    description: "One row per deployment that received requests in the window and answered none with 2xx: a complete outage. Pages P1.",
    tables: [requestTable(flavour)],
    parameters: [lookback("5m"), ...headParameters(flavour)],
    body: `${head(flavour)}
| where isnotempty(deployment)
| summarize requests = sum(${weight(flavour)}), succeeded = sumif(${weight(flavour)}, status between (200 .. 299)) by deployment
| where requests > 0 and succeeded == 0`,
    alert: {
      signal: "azure-openai-zero-success",
      severity: 1,
      tier: "P1",
      evaluationFrequency: "PT1M",
      windowSize: "PT5M",
      timeAggregation: "Count",
      operator: "GreaterThan",
      threshold: 0,
      dimensions: ["deployment"],
      runbook: "Complete outage of the deployment: check Azure status, the deployment's state and keys; fail over to another region.",
    },
  };
}

const BUILDERS = [
  highLatencyOverSlo,
  throttlingRate,
  gpuUtilisationVsThroughput,
  tokenConsumption,
  errorRateSpike,
  latencyPercentiles,
  throttlingAlert,
  latencyAlert,
  zeroSuccessAlert,
];

/** The whole library: every question in both flavours. */
export const KQL_LIBRARY: readonly KqlQuery[] = BUILDERS.flatMap((build) => FLAVOURS.map((flavour) => build(flavour)));

/** Stable key of one query, unique in the library (used in saved-search ids and rule names). */
export function queryKey(query: Pick<KqlQuery, "id" | "flavour">): string {
  return `${query.id}-${query.flavour === "appRequests" ? "apprequests" : "diagnostics"}`;
}
