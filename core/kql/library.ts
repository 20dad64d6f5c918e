/**
 * The FleetWatch KQL library. Every question is written twice: once for the Application Insights
 * of the apps that call Azure OpenAI (their calls are OpenTelemetry GenAI client spans, which land
 * in `AppDependencies`), once for the Azure OpenAI `RequestResponse` logs in `AzureDiagnostics`. Parameters are `let`s prepended by render(), so the same text is
 * a saved search (with defaults) and an alert rule (with the environment's SLOs).
 *
 * Where the request logs cannot answer (RequestResponse has no token counts, nothing has GPU
 * utilisation), the query also reads the platform metrics in `AzureMetrics`, and says so.
 */
import type { KqlFlavour, KqlParameter, KqlQuery } from "./types";

// Azure OpenAI platform metric names (Microsoft.CognitiveServices/accounts, REST API names).
export const PROMPT_TOKENS_METRIC = "ProcessedPromptTokens";
export const COMPLETION_TOKENS_METRIC = "GeneratedTokens";
/** Exportable by diagnostic settings (PTU utilisation V2 is not: it is never in AzureMetrics). */
export const TOKENS_METRIC = "TokenTransaction";

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
  "AppDependencies custom dimension holding the Azure OpenAI deployment (OpenTelemetry GenAI client span attribute).",
);
const accountResourceIds = p(
  "accountResourceIds",
  "dynamic",
  [],
  "Lower-case ARM ids of this environment's Azure OpenAI accounts (from config): a shared workspace mixes accounts and environments. Empty = all.",
);
const sloByDeployment = p("sloByDeployment", "dynamic", {}, "P99 latency SLO in ms per deployment name (from config).");
const defaultSloMs = p("defaultSloMs", "real", 10000, "SLO in ms for deployments missing from sloByDeployment.");
const minRequests = (value: number) =>
  p("minRequests", "long", value, "Ignore deployments with fewer requests (too little data to judge).");

/**
 * Common head of every RequestResponse query: one row per Azure OpenAI call of this environment's
 * accounts (_ResourceId: deployment names repeat across accounts), with its deployment.
 */
const DIAGNOSTICS_REQUESTS = `AzureDiagnostics
| where TimeGenerated > ago(lookback)
| where ResourceProvider == "MICROSOFT.COGNITIVESERVICES" and Category == "RequestResponse"
| where array_length(accountResourceIds) == 0 or tolower(_ResourceId) in (accountResourceIds)
| extend props = parse_json(properties_s)
| extend deployment = tostring(props.modelDeploymentName), status = toint(ResultSignature)
| where isempty(deploymentFilter) or deployment == deploymentFilter`;

/**
 * Common head of every Application Insights query: the apps' calls to Azure OpenAI are GenAI
 * client spans (AppDependencies) carrying gen_ai.request.model; ItemCount undoes sampling.
 */
const APP_CALLS = `AppDependencies
| where TimeGenerated > ago(lookback)
| extend deployment = tostring(Properties[deploymentProperty]), status = toint(ResultCode)
| where isnotempty(deployment)
| where isempty(deploymentFilter) or deployment == deploymentFilter`;

const head = (flavour: KqlFlavour) => (flavour === "appInsights" ? APP_CALLS : DIAGNOSTICS_REQUESTS);
const headParameters = (flavour: KqlFlavour) =>
  flavour === "appInsights" ? [deploymentFilter, deploymentProperty] : [deploymentFilter, accountResourceIds];
const requestTable = (flavour: KqlFlavour) => (flavour === "appInsights" ? ("AppDependencies" as const) : ("AzureDiagnostics" as const));
/** Sampled Application Insights rows stand for ItemCount calls; RequestResponse rows for one. */
const weight = (flavour: KqlFlavour) => (flavour === "appInsights" ? "ItemCount" : "1");
const FLAVOURS: readonly KqlFlavour[] = ["appInsights", "azureDiagnostics"];
const flavourLabel = (flavour: KqlFlavour) =>
  flavour === "appInsights" ? "Application Insights GenAI calls" : "Azure OpenAI RequestResponse";

function highLatencyOverSlo(flavour: KqlFlavour): KqlQuery {
  const extra =
    flavour === "appInsights" ? "Name, AppRoleName, ResultCode, OperationId" : "OperationName, ResultSignature, Resource, CorrelationId";
  return {
    id: "high-latency-over-slo",
    aliases: ["aoai-slow-requests"],
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
  // Azure OpenAI exposes no GPU counter. The closest, PTU utilisation V2, cannot be exported by
  // diagnostic settings (supported-metrics reference, "DS Export: No"), so it is never in
  // AzureMetrics: read it from CloudWatch (AoaiProvisionedUtilizationPercent, from the metrics
  // API). Here: throughput in requests and in tokens (TokenTransaction is exportable), per account.
  const requests =
    flavour === "appInsights"
      ? `${APP_CALLS}
| summarize requests = sum(ItemCount) by TimeGenerated = bin(TimeGenerated, binSize)`
      : `${DIAGNOSTICS_REQUESTS}
| summarize requests = count() by account = tolower(_ResourceId), TimeGenerated = bin(TimeGenerated, binSize)`;
  const tokensBy =
    flavour === "appInsights"
      ? "TimeGenerated = bin(TimeGenerated, binSize)"
      : "account = tolower(_ResourceId), TimeGenerated = bin(TimeGenerated, binSize)";
  const joinOn = flavour === "appInsights" ? "TimeGenerated" : "account, TimeGenerated";
  const projectAccount = flavour === "appInsights" ? "" : "account, ";
  const accountFilter =
    flavour === "appInsights" ? "" : "\n| where array_length(accountResourceIds) == 0 or tolower(_ResourceId) in (accountResourceIds)";
  return {
    id: "gpu-utilisation-vs-throughput",
    flavour,
    name: `Provisioned throughput: requests and tokens per minute (${flavourLabel(flavour)})`,
    description:
      "Requests and tokens per minute per account: the load that drives provisioned (PTU) utilisation. PTU utilisation V2 itself cannot be exported to Log Analytics; it is on the FleetWatch capacity dashboard (AoaiProvisionedUtilizationPercent).",
    tables: [requestTable(flavour), "AzureMetrics"],
    parameters: [
      lookback(),
      binSize(),
      ...headParameters(flavour),
      p("tokensMetric", "string", TOKENS_METRIC, "Exportable platform metric with the tokens processed."),
    ],
    body: `let requestsByBin = ${requests};
let tokensByBin = AzureMetrics
| where TimeGenerated > ago(lookback)
| where ResourceProvider == "MICROSOFT.COGNITIVESERVICES" and MetricName == tokensMetric${accountFilter}
| summarize tokens = sum(Total) by ${tokensBy};
requestsByBin
| join kind=leftouter tokensByBin on ${joinOn}
| project TimeGenerated, ${projectAccount}requestsPerMinute = round(requests / (binSize / 1m), 2), tokensPerMinute = round(tokens / (binSize / 1m), 2)
| order by TimeGenerated asc
| render timechart`,
  };
}

function tokenConsumption(flavour: KqlFlavour): KqlQuery {
  if (flavour === "appInsights") {
    return {
      id: "token-consumption-by-deployment",
      flavour,
      name: "Token consumption by deployment (Application Insights GenAI calls)",
      description:
        "Input and output tokens per deployment, from the gen_ai.usage.* attributes of the apps' GenAI client spans (AppDependencies).",
      tables: ["AppDependencies"],
      parameters: [
        lookback(),
        p("binSize", "timespan", "1h", "Time bucket of the series."),
        deploymentFilter,
        deploymentProperty,
        p("inputTokensProperty", "string", "gen_ai.usage.input_tokens", "Custom dimension with the prompt tokens."),
        p("outputTokensProperty", "string", "gen_ai.usage.output_tokens", "Custom dimension with the completion tokens."),
      ],
      body: `${APP_CALLS}
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
      accountResourceIds,
      p("promptTokensMetric", "string", PROMPT_TOKENS_METRIC, "Platform metric with the prompt tokens."),
      p("completionTokensMetric", "string", COMPLETION_TOKENS_METRIC, "Platform metric with the completion tokens."),
    ],
    body: `let tokensByAccount = AzureMetrics
| where TimeGenerated > ago(lookback)
| where ResourceProvider == "MICROSOFT.COGNITIVESERVICES" and MetricName in (promptTokensMetric, completionTokensMetric)
| where array_length(accountResourceIds) == 0 or tolower(_ResourceId) in (accountResourceIds)
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
  const source = head(flavour);
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
  const pct = (n: number) => (flavour === "appInsights" ? `percentilew(DurationMs, ItemCount, ${n})` : `percentile(DurationMs, ${n})`);
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
      cloudWatchTwin: "aoai-429-rate",
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
| summarize requests = sum(${weight(flavour)}), p99 = ${flavour === "appInsights" ? "percentilew(DurationMs, ItemCount, 99)" : "percentile(DurationMs, 99)"} by deployment
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
      cloudWatchTwin: "aoai-p99-latency",
    },
  };
}

/** Log Analytics ingests RequestResponse 3-10 minutes late: the newest minutes are incomplete. */
const INGESTION_DELAY = "10m";

function zeroSuccessAlert(flavour: KqlFlavour): KqlQuery {
  return {
    id: "alert-zero-successful-requests",
    flavour,
    name: `Alert: deployment with traffic but zero successful requests (${flavourLabel(flavour)})`,
    description:
      "One row per deployment that received requests in the 5 settled minutes before the ingestion delay and answered none with 2xx: a complete outage. CloudWatch pages this (P1); this rule pages only while the AWS side is blind.",
    tables: [requestTable(flavour)],
    // 15-minute window minus the 10 minutes logs may still be arriving = 5 complete minutes.
    parameters: [
      lookback("15m"),
      p("ingestionDelay", "timespan", INGESTION_DELAY, "Newest minutes ignored: logs still arriving."),
      ...headParameters(flavour),
    ],
    body: `${head(flavour)}
| where TimeGenerated < ago(ingestionDelay)
| where isnotempty(deployment)
| summarize requests = sum(${weight(flavour)}), succeeded = sumif(${weight(flavour)}, status between (200 .. 299)) by deployment
| where requests > 0 and succeeded == 0`,
    alert: {
      signal: "azure-openai-zero-success",
      severity: 1,
      tier: "P1",
      // Every 5 minutes over 15: a 1-minute cadence over logs that are minutes late only re-reads partial data.
      evaluationFrequency: "PT5M",
      windowSize: "PT15M",
      timeAggregation: "Count",
      operator: "GreaterThan",
      threshold: 0,
      dimensions: ["deployment"],
      runbook: "Complete outage of the deployment: check Azure status, the deployment's state and keys; fail over to another region.",
      cloudWatchTwin: "aoai-zero-success",
    },
    aliases: ["aoai-failed-requests"],
  };
}

function throttlingByCaller(flavour: KqlFlavour): KqlQuery {
  const caller = flavour === "appInsights" ? "caller = AppRoleName" : "caller = CallerIPAddress";
  return {
    id: "aoai-429-by-caller",
    flavour,
    name: `HTTP 429s by caller (${flavourLabel(flavour)})`,
    description: "Who is being throttled: 429s and their share per caller and deployment, most throttled first.",
    tables: [requestTable(flavour)],
    parameters: [lookback("1h"), ...headParameters(flavour)],
    body: `${head(flavour)}
| summarize requests = sum(${weight(flavour)}), throttled = sumif(${weight(flavour)}, status == 429) by ${caller}, deployment
| where throttled > 0
| extend throttledPercent = round(100.0 * throttled / requests, 2)
| order by throttled desc`,
  };
}

function topCallers(flavour: KqlFlavour): KqlQuery {
  // Spend follows tokens: the apps' GenAI spans carry them per caller; RequestResponse carries
  // no tokens, so there the ranking is by request and response bytes.
  const body =
    flavour === "appInsights"
      ? `${APP_CALLS}
| extend inputTokens = tolong(Properties[inputTokensProperty]), outputTokens = tolong(Properties[outputTokensProperty])
| summarize requests = sum(ItemCount), inputTokens = sum(inputTokens * ItemCount), outputTokens = sum(outputTokens * ItemCount) by caller = AppRoleName, deployment
| extend totalTokens = inputTokens + outputTokens
| order by totalTokens desc
| take maxRows`
      : `${DIAGNOSTICS_REQUESTS}
| summarize requests = count(), requestBytes = sum(tolong(props.requestLength)), responseBytes = sum(tolong(props.responseLength)) by caller = CallerIPAddress, deployment
| order by responseBytes desc
| take maxRows`;
  const tokenParameters =
    flavour === "appInsights"
      ? [
          p("inputTokensProperty", "string", "gen_ai.usage.input_tokens", "Custom dimension with the prompt tokens."),
          p("outputTokensProperty", "string", "gen_ai.usage.output_tokens", "Custom dimension with the completion tokens."),
        ]
      : [];
  return {
    id: "aoai-top-callers",
    flavour,
    name: `Top callers by consumption (${flavourLabel(flavour)})`,
    description:
      flavour === "appInsights"
        ? "Which apps spend the tokens: input/output tokens per caller (app role) and deployment, largest first."
        : "Which callers drive consumption: requests and request/response bytes per caller IP and deployment (RequestResponse has no token counts).",
    tables: [requestTable(flavour)],
    parameters: [lookback("1d"), ...headParameters(flavour), ...tokenParameters, p("maxRows", "long", 20, "Callers to return.")],
    body,
  };
}

/**
 * What the rate limiter counts: a Standard deployment admits a call on its prompt tokens plus the
 * max_tokens it may generate, so 429s start before tokens processed reach the TPM quota. The
 * platform metrics do not carry max_tokens; the apps' GenAI client spans do.
 */
function tpmReservation(): KqlQuery {
  return {
    id: "tpm-reservation-by-deployment",
    flavour: "appInsights",
    name: "Tokens the rate limiter reserves per minute (Application Insights GenAI calls)",
    description:
      "Per deployment and minute: input tokens + gen_ai.request.max_tokens (what the limiter counts at admission) next to the tokens actually processed. Compare the reservation, not AoaiTpmUtilizationPercent, with the TPM quota.",
    tables: ["AppDependencies"],
    parameters: [
      lookback("1h"),
      p("binSize", "timespan", "1m", "Time bucket (the quota is per minute)."),
      deploymentFilter,
      deploymentProperty,
      p("inputTokensProperty", "string", "gen_ai.usage.input_tokens", "Custom dimension with the prompt tokens."),
      p("outputTokensProperty", "string", "gen_ai.usage.output_tokens", "Custom dimension with the completion tokens."),
      p("maxTokensProperty", "string", "gen_ai.request.max_tokens", "Custom dimension with the request's max_tokens."),
    ],
    body: `${APP_CALLS}
| extend inputTokens = tolong(Properties[inputTokensProperty]), outputTokens = tolong(Properties[outputTokensProperty]), maxTokens = tolong(Properties[maxTokensProperty])
| summarize reservedTokens = sum((coalesce(inputTokens, 0) + coalesce(maxTokens, outputTokens, 0)) * ItemCount), processedTokens = sum((coalesce(inputTokens, 0) + coalesce(outputTokens, 0)) * ItemCount) by deployment, bin(TimeGenerated, binSize)
| extend reservationOverProcessed = round(todouble(reservedTokens) / processedTokens, 2)
| order by TimeGenerated asc`,
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
  throttlingByCaller,
  topCallers,
];

/** The whole library: every question in both flavours (plus what only one source can answer). */
export const KQL_LIBRARY: readonly KqlQuery[] = [
  ...BUILDERS.flatMap((build) => FLAVOURS.map((flavour) => build(flavour))),
  tpmReservation(),
];

/** Short name of a flavour in saved-search ids and rule names. */
export function flavourKey(flavour: KqlFlavour): string {
  return flavour === "appInsights" ? "appinsights" : "diagnostics";
}

/** Stable key of one query, unique in the library (used in saved-search ids and rule names). */
export function queryKey(query: Pick<KqlQuery, "id" | "flavour">): string {
  return `${query.id}-${flavourKey(query.flavour)}`;
}
