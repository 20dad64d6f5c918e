/**
 * The signal catalog: every CloudWatch alarm FleetWatch creates is one level of one signal
 * here. Defaults follow the catalog table in docs/signal-catalog.md; config.thresholds overrides them per
 * environment (see resolve.ts). Dashboards and the README alarm table read this too.
 */

import { GPU_TEMPERATURE_DEFAULTS_C } from "../constants";
import { AZURE_PUBLISH_LAG_PERIODS, type MetricKey } from "../metric-registry";
import { CAPACITY_SIGNALS } from "./signals-capacity";
import type { CatalogContext, MetricSource, SignalDefinition } from "./types";

const fw = (metric: MetricKey): MetricSource => ({ kind: "fleetwatch", metric });

const lambdaErrors = (resource: "redfishPollerFunction" | "azurePollerFunction" | "p1EnricherFunction"): MetricSource => ({
  kind: "resource",
  resource,
  namespace: "AWS/Lambda",
  metricName: "Errors",
});

/** An SQS queue that should stay empty (a dead-letter queue): its visible-message count. */
function queueNotEmpty(resource: "pagingDeliveryFailures" | "deadLetterQueue", queue: string) {
  return {
    source: (): MetricSource => ({ kind: "resource", resource, namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible" }),
    metricText: `AWS/SQS ApproximateNumberOfMessagesVisible of ${queue}`,
    unit: "messages",
    statistic: "Maximum",
    // SQS publishes queue metrics every 5 minutes.
    periodSeconds: 300,
    comparison: "GreaterThanThreshold",
  } as const;
}

const ENGINEERING = "Engineering dashboard";
const CAPACITY = "Capacity dashboard";
const EXECUTIVE = "Executive dashboard";

function deploymentOf(ctx: CatalogContext, name: string | undefined) {
  const d = ctx.deployments.find((x) => x.name === name);
  if (!d) throw new Error(`signal catalog: no deployment named ${JSON.stringify(name)} in this environment`);
  return d;
}

/**
 * The two budget signals (GPU spend, token spend) page alike: warn when the last hours' rate,
 * projected to a day, is over the daily budget; critical when the last 24 h spent over 120 %.
 */
const DAILY_BUDGET_LEVELS = {
  warn: { threshold: 100, tier: "P3", datapointsToAlarm: 2, evaluationPeriods: 3 },
  critical: { threshold: 120, tier: "P1", datapointsToAlarm: 1, evaluationPeriods: 1, periodSeconds: 86400 },
} as const satisfies SignalDefinition["levels"];

export const SIGNALS: readonly SignalDefinition[] = [
  // ---------------------------------------------------------------- GPU nodes, per cluster
  {
    id: "gpu-temperature",
    title: "GPU temperature",
    catalogRow: "GPU temperature",
    scope: "cluster",
    source: () => fw("gpuTemperatureMaxC"),
    metricText: "GpuTemperatureMaxC (hottest GPU in the cluster)",
    unit: "°C",
    statistic: "Maximum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    levels: {
      warn: { threshold: GPU_TEMPERATURE_DEFAULTS_C.warn, tier: "P2", datapointsToAlarm: 5, evaluationPeriods: 5 },
      critical: { threshold: GPU_TEMPERATURE_DEFAULTS_C.critical, tier: "P1", datapointsToAlarm: 5, evaluationPeriods: 5 },
    },
    // A gap means no telemetry, which bmc-telemetry-stale pages on; it says nothing about heat.
    treatMissingData: "missing",
    what: "A GPU in the cluster has been above the temperature threshold for 5 minutes; data-centre GPUs throttle around 83 °C.",
    lookAt: `${ENGINEERING} > GPU temperature top-N; Logs Insights query "gpu-hotspots"`,
    runbook:
      "Check inlet temperature and fans of the named node; if inlet is normal, drain the node and reseat/replace the GPU cooling. If many nodes are hot, check the row's cooling.",
    offenders: "gpu-temperature",
  },
  {
    id: "gpu-uncorrectable-ecc",
    title: "GPU uncorrectable ECC errors",
    catalogRow: "GPU uncorrectable ECC",
    scope: "cluster",
    source: () => fw("gpusNewUncorrectableEcc"),
    metricText: "GpusNewUncorrectableEcc",
    unit: "GPUs",
    statistic: "Sum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    // 1 of 60: one event keeps the incident open for an hour instead of resolving a minute later.
    levels: { critical: { threshold: 0, tier: "P1", datapointsToAlarm: 1, evaluationPeriods: 60 } },
    // The metric is a count of new events; no datapoint means no new event.
    treatMissingData: "notBreaching",
    what: "A GPU's uncorrectable ECC error count grew: its memory is degrading and jobs on it can silently corrupt or crash.",
    lookAt: `${ENGINEERING} > ECC panel; Logs Insights query "gpu-ecc-events"`,
    runbook: "Drain the named node, open a hardware ticket to replace the named GPU, and rerun the affected job from its last checkpoint.",
    offenders: "gpu-ecc",
  },
  {
    id: "gpu-throttled",
    title: "GPU throttled (thermal or power)",
    catalogRow: "GPU throttled (thermal or power)",
    scope: "cluster",
    source: () => fw("gpusThrottled"),
    metricText: "GpusThrottled",
    unit: "GPUs",
    statistic: "Maximum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    levels: { warn: { threshold: 0, tier: "P2", datapointsToAlarm: 5, evaluationPeriods: 5 } },
    treatMissingData: "missing",
    what: "At least one GPU in the cluster has reported thermal or power throttling for 5 minutes: it runs below its rated speed.",
    lookAt: `${ENGINEERING} > Throttling panel; Logs Insights query "gpu-throttle-reasons"`,
    runbook: "Read the throttle reasons: thermal -> check cooling and fans; power -> check the chassis power cap and PSU health.",
    supersededBy: {
      slo: "gpu-fleet",
      action: "demote",
      tier: "P3",
      why: "Throttled GPU-minutes spend the gpu-fleet error budget, which pages when throttling costs the cluster; one throttled GPU is a ticket, not a chat interrupt.",
    },
  },
  {
    id: "fan-failed",
    title: "Fan failed or below its critical threshold",
    catalogRow: "Fan failed or below its critical threshold",
    scope: "cluster",
    source: () => fw("fansFailed"),
    metricText: "FansFailed",
    unit: "fans",
    statistic: "Maximum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    // 2 of 3: one bad BMC reading is not a failed fan.
    levels: { warn: { threshold: 0, tier: "P2", datapointsToAlarm: 2, evaluationPeriods: 3 } },
    treatMissingData: "missing",
    what: "A fan in the cluster has failed or spins below its critical threshold.",
    lookAt: `${ENGINEERING} > Fans panel; Logs Insights query "failed-fans"`,
    runbook: "Schedule a fan replacement on the node; watch the GPU temperatures of that chassis until it is done.",
  },
  {
    id: "fans-failed-per-chassis",
    title: "More than one fan failed in one chassis",
    catalogRow: "Fan failed or below its critical threshold",
    scope: "cluster",
    source: () => fw("maxFansFailedPerChassis"),
    metricText: "MaxFansFailedPerChassis",
    unit: "fans",
    statistic: "Maximum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    levels: { critical: { threshold: 1, tier: "P1", datapointsToAlarm: 2, evaluationPeriods: 3 } },
    treatMissingData: "missing",
    what: "One chassis has more than one failed fan: its GPUs will overheat under load.",
    lookAt: `${ENGINEERING} > Fans panel; Logs Insights query "failed-fans"`,
    runbook: "Drain the named node now, then replace the fans.",
    offenders: "fans",
  },
  {
    id: "power-cap",
    title: "Power draw within 5 % of the cap",
    catalogRow: "Power draw within 5 % of the cap",
    scope: "cluster",
    source: () => fw("chassisAtPowerCap"),
    metricText: "ChassisAtPowerCap",
    unit: "chassis",
    statistic: "Maximum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    levels: { warn: { threshold: 0, tier: "P2", datapointsToAlarm: 10, evaluationPeriods: 10 } },
    treatMissingData: "missing",
    what: "A chassis has drawn within 5 % of its power cap for 10 minutes: its GPUs are being held back.",
    lookAt: `${ENGINEERING} > Power vs cap panel; Logs Insights query "power-cap-hits"`,
    runbook: "Check whether the cap is intended; raise it if the rack budget allows, or spread the load.",
  },
  {
    id: "bmc-telemetry-stale",
    title: "BMC telemetry stale",
    catalogRow: "BMC unreachable or telemetry stale",
    scope: "cluster",
    source: () => fw("bmcsStale"),
    metricText: "BmcsStale",
    unit: "BMCs",
    statistic: "Maximum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    levels: { warn: { threshold: 0, tier: "P2", datapointsToAlarm: 5, evaluationPeriods: 5 } },
    // Monitoring the monitor: no datapoint at all means nothing is being ingested for the cluster.
    treatMissingData: "breaching",
    what: "BMCs in the cluster have had no good snapshot for more than 5 minutes (or the cluster publishes no telemetry at all).",
    lookAt: `${ENGINEERING} > Fleet health; Logs Insights query "unreachable-bmcs"`,
    runbook: "Look at the poller's errors for the named BMCs (timeout, TLS, 401); check the BMC network path and credentials secret.",
    suppressedBy: "bmc-network-outage",
  },
  {
    id: "bmc-unreachable-share",
    title: "More than 20 % of a cluster's BMCs unreachable",
    catalogRow: "BMC unreachable or telemetry stale",
    scope: "cluster",
    // A share must be computed from counts summed over the whole cluster: the ingest sees one
    // Kinesis shard's batch at a time, so a per-batch percentage overstates a small outage.
    source: () => ({
      kind: "math",
      expression: "100 * u / s",
      label: "BMCs unreachable in the cluster (%)",
      inputs: { u: { metric: "bmcsUnreachable", statistic: "Sum" }, s: { metric: "snapshotsIngested", statistic: "Sum" } },
    }),
    metricText: "100 × ΣBmcsUnreachable / ΣSnapshotsIngested",
    unit: "%",
    statistic: "Sum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    levels: { critical: { threshold: 20, tier: "P1", datapointsToAlarm: 5, evaluationPeriods: 5 } },
    treatMissingData: "missing",
    what: "More than 20 % of the cluster's BMCs have been unreachable for 5 minutes: the cluster is effectively unmonitored.",
    lookAt: `${ENGINEERING} > Fleet health; Logs Insights query "unreachable-bmcs"`,
    runbook: "Check the cluster's management switch and the poller's security group/subnet route; then BMC credentials (auth_failed).",
    suppressedBy: "bmc-network-outage",
    offenders: "bmc-status",
  },
  {
    id: "poller-sweep-duration",
    title: "Redfish poller sweep too slow",
    catalogRow: "Pipeline health",
    scope: "cluster",
    source: () => fw("pollerSweepDurationMs"),
    metricText: "PollerSweepDurationMs",
    unit: "ms",
    statistic: "Maximum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    // The sweep must end inside the 60 s cycle (Lambda timeout 55 s).
    levels: { warn: { threshold: 50_000, tier: "P2", datapointsToAlarm: 3, evaluationPeriods: 5 } },
    treatMissingData: "notBreaching",
    what: "A shard sweep of the Redfish poller takes longer than 50 s: polls will start to overlap or time out.",
    lookAt: `${ENGINEERING} > Pipeline panel; Logs Insights query "slow-bmcs"`,
    runbook: "Find the slowest BMCs in the poller logs; lower redfish.shardSize or raise concurrency in config.",
  },

  // ---------------------------------------------------------------- environment-wide
  {
    id: "bmc-network-outage",
    title: "BMC network outage",
    catalogRow: "BMC unreachable or telemetry stale",
    scope: "environment",
    // Environment totals the poller publishes: two metrics whatever the number of clusters
    // (an alarm expression may hold at most 10), so the suppression holds at any fleet size.
    source: () => ({
      kind: "math",
      expression: "100 * u / p",
      label: "BMCs unreachable across the environment (%)",
      inputs: {
        u: { metric: "pollerBmcsUnreachableInEnvironment", statistic: "Sum" },
        p: { metric: "pollerBmcsPolledInEnvironment", statistic: "Sum" },
      },
    }),
    metricText: "100 × PollerBmcsUnreachableInEnvironment / PollerBmcsPolledInEnvironment (all clusters)",
    unit: "%",
    statistic: "Sum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    levels: { critical: { threshold: 80, tier: "P1", datapointsToAlarm: 3, evaluationPeriods: 3 } },
    treatMissingData: "missing",
    what: "Most BMCs of the environment stopped answering the poller at once: the BMC network (or the poller's path to it) is down, not the servers.",
    lookAt: `${ENGINEERING} > Fleet health; Logs Insights query "unreachable-bmcs"`,
    runbook:
      "Check the VPC route/VPN/Direct Connect to the BMC networks and the poller's subnets. Per-cluster staleness pages are suppressed while this is in ALARM.",
  },
  {
    id: "gpu-spend",
    title: "GPU spend vs daily budget",
    catalogRow: "Spend vs daily budget",
    scope: "environment",
    source: (ctx) => {
      // GPU-hours = Σ GPUs reporting × poll interval; projected to a day from the alarm period.
      // One environment total (the ingest publishes it), whatever the number of clusters.
      const hoursPerSample = ctx.pollIntervalSeconds / 3600;
      return {
        kind: "math",
        expression: `100 * g * ${hoursPerSample} * ${ctx.gpuHourUsd} * 86400 / PERIOD(g) / ${ctx.dailyGpuBudgetUsd}`,
        label: "GPU spend, projected per day (% of daily budget)",
        inputs: { g: { metric: "gpusReportingInEnvironment", statistic: "Sum" } },
      };
    },
    metricText: "GpusReportingInEnvironment × interval × budgets.gpuHourUsd, as % of budgets.dailyGpuBudgetUsd",
    unit: "% of budget",
    statistic: "Sum",
    periodSeconds: 3600,
    comparison: "GreaterThanThreshold",
    levels: DAILY_BUDGET_LEVELS,
    treatMissingData: "notBreaching",
    what: "GPU spend is over the daily budget (warn: the last hours' rate projects past it; critical: the last 24 h spent more than 120 %).",
    lookAt: `${EXECUTIVE} > GPU spend vs budget; ${CAPACITY} > budget burn`,
    runbook: "Find idle or runaway allocations; if the spend is intended, raise budgets.dailyGpuBudgetUsd in config.",
  },
  {
    id: "poller-errors",
    title: "Redfish poller errors",
    catalogRow: "Pipeline health",
    scope: "environment",
    source: () => lambdaErrors("redfishPollerFunction"),
    metricText: "AWS/Lambda Errors of the redfish-poller function",
    unit: "invocations",
    statistic: "Sum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    levels: { warn: { threshold: 0, tier: "P2", datapointsToAlarm: 3, evaluationPeriods: 5 } },
    treatMissingData: "notBreaching",
    what: "The Redfish poller Lambda is failing (crash or timeout), so sweeps are lost.",
    lookAt: `${ENGINEERING} > Pipeline panel; Logs Insights query "poller-errors"`,
    runbook: "Read the poller's error logs; a timeout means the shard is too large, a crash is a bug (roll back the last deploy).",
  },
  {
    id: "poller-undelivered",
    title: "Snapshots not delivered to Kinesis",
    catalogRow: "Pipeline health",
    scope: "environment",
    source: () => fw("pollerSnapshotsUndelivered"),
    metricText: "PollerSnapshotsUndelivered",
    unit: "snapshots",
    statistic: "Sum",
    periodSeconds: 300,
    comparison: "GreaterThanThreshold",
    levels: { warn: { threshold: 0, tier: "P2", datapointsToAlarm: 1, evaluationPeriods: 1 } },
    treatMissingData: "notBreaching",
    what: "The poller could not write snapshots to Kinesis after retries: telemetry is being lost.",
    lookAt: `${ENGINEERING} > Pipeline panel; Logs Insights query "poller-errors"`,
    runbook: "Check Kinesis throttling and the poller role's kinesis:PutRecords / kms permissions.",
  },
  {
    id: "ingest-iterator-age",
    title: "Telemetry ingest falling behind",
    catalogRow: "Pipeline health",
    scope: "environment",
    source: () => ({ kind: "resource", resource: "ingestFunction", namespace: "AWS/Lambda", metricName: "IteratorAge" }),
    metricText: "AWS/Lambda IteratorAge of the telemetry-ingest function",
    unit: "ms",
    statistic: "Maximum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    levels: { warn: { threshold: 300_000, tier: "P2", datapointsToAlarm: 5, evaluationPeriods: 5 } },
    treatMissingData: "notBreaching",
    what: "The ingest Lambda is more than 5 minutes behind the snapshot stream: alarms are looking at old data.",
    lookAt: `${ENGINEERING} > Pipeline panel; Logs Insights query "ingest-errors"`,
    runbook:
      "Check ingest errors and throttles; a poison record is bisected to the DLQ, a slow sink needs a larger batch or parallelization factor.",
  },
  {
    id: "paging-delivery-failed",
    title: "Pages SNS could not deliver",
    catalogRow: "Pipeline health",
    scope: "environment",
    ...queueNotEmpty("pagingDeliveryFailures", "the paging delivery-failure queue"),
    // P2, not P1: the failing path may be PagerDuty itself, so this must arrive by chat.
    levels: { warn: { threshold: 0, tier: "P2", datapointsToAlarm: 1, evaluationPeriods: 1 } },
    treatMissingData: "notBreaching",
    what: "SNS gave up delivering a page to PagerDuty or the ticket webhook after all its retries: on-call may not have been paged.",
    lookAt: "SQS console > fleetwatch-<env>-paging-delivery-failures (each message is the undelivered page)",
    runbook:
      "Open the messages to see which pages were lost and page by hand if still relevant; check the PagerDuty integration URL secret (rotated key?) and PagerDuty's status; purge the queue once handled.",
  },
  {
    id: "ingest-dlq-depth",
    title: "Ingest dead-letter queue not empty",
    catalogRow: "Pipeline health",
    scope: "environment",
    ...queueNotEmpty("deadLetterQueue", "the ingest DLQ"),
    levels: { warn: { threshold: 0, tier: "P2", datapointsToAlarm: 1, evaluationPeriods: 1 } },
    treatMissingData: "notBreaching",
    what: "Snapshot batches failed ingestion after retries and sit in the dead-letter queue.",
    lookAt: `${ENGINEERING} > Pipeline panel; Logs Insights query "ingest-errors"`,
    runbook: "Read one message to find the failing shard/sequence, fix the cause, then redrive the queue.",
  },
  {
    id: "sink-rejections",
    title: "Time-series sink rejecting records",
    catalogRow: "Pipeline health",
    scope: "environment",
    source: () => fw("sinkRecordsRejected"),
    metricText: "SinkRecordsRejected",
    unit: "records",
    statistic: "Sum",
    periodSeconds: 300,
    comparison: "GreaterThanThreshold",
    levels: { warn: { threshold: 0, tier: "P2", datapointsToAlarm: 1, evaluationPeriods: 1 } },
    treatMissingData: "notBreaching",
    what: "The time-series sink (Timestream) rejected records: per-GPU history has gaps.",
    lookAt: `${ENGINEERING} > Pipeline panel; Logs Insights query "sink-rejections"`,
    runbook: "The rejection reason is logged with each record: usually a timestamp outside the memory store window or a schema change.",
  },
  {
    id: "p1-enricher-errors",
    title: "P1 page enricher failing",
    catalogRow: "Pipeline health",
    scope: "environment",
    source: () => lambdaErrors("p1EnricherFunction"),
    metricText: "AWS/Lambda Errors of the p1-enricher function",
    unit: "invocations",
    statistic: "Sum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    // Pages PagerDuty directly (not through the enricher it watches).
    levels: { critical: { threshold: 0, tier: "P1", datapointsToAlarm: 1, evaluationPeriods: 1 } },
    treatMissingData: "notBreaching",
    what: "The Lambda that forwards P1 alarms to PagerDuty failed: a P1 page may not have been delivered.",
    lookAt: `CloudWatch alarms in ALARM state (console); Logs Insights query "p1-enricher-errors"`,
    runbook: "Open the CloudWatch alarm list for any P1 alarm in ALARM and handle it; then fix the enricher (logs).",
  },

  // ---------------------------------------------------------------- Azure OpenAI
  {
    id: "azure-telemetry-stale",
    title: "Azure telemetry stale",
    catalogRow: "Pipeline health",
    scope: "environment",
    requiresAzure: true,
    source: () => fw("azureTelemetryStalenessSeconds"),
    metricText: "AzureTelemetryStalenessSeconds",
    unit: "s",
    statistic: "Maximum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    levels: { warn: { threshold: 300, tier: "P2", datapointsToAlarm: 3, evaluationPeriods: 3 } },
    // The poller publishes staleness every run; silence means the poller itself stopped.
    treatMissingData: "breaching",
    what: "Azure has not been read successfully for more than 5 minutes: Azure OpenAI alarms are blind.",
    lookAt: `${ENGINEERING} > Pipeline panel; Logs Insights query "azure-poll-errors"`,
    runbook: "Check the service principal secret (expiry), Azure Monitor throttling (429) and the azure-openai-poller logs.",
  },
  {
    id: "azure-poller-errors",
    title: "Azure OpenAI poller errors",
    catalogRow: "Pipeline health",
    scope: "environment",
    requiresAzure: true,
    source: () => lambdaErrors("azurePollerFunction"),
    metricText: "AWS/Lambda Errors of the azure-openai-poller function",
    unit: "invocations",
    statistic: "Sum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    levels: { warn: { threshold: 0, tier: "P2", datapointsToAlarm: 3, evaluationPeriods: 5 } },
    treatMissingData: "notBreaching",
    what: "The Azure OpenAI poller Lambda is failing (crash or timeout).",
    lookAt: `${ENGINEERING} > Pipeline panel; Logs Insights query "azure-poll-errors"`,
    runbook: "Read the poller's error logs; roll back the last deploy if it started with it.",
  },
  {
    id: "aoai-429-rate",
    title: "Azure OpenAI HTTP 429 rate",
    catalogRow: "Azure OpenAI HTTP 429 rate",
    scope: "deployment",
    requiresAzure: true,
    source: () => fw("aoai429RatePercent"),
    metricText: "Aoai429RatePercent",
    unit: "%",
    statistic: "Average",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    // 10 breaching minutes: single 429s are normal; only a sustained rate pages. The window is
    // widened by the publish lag: the newest minutes are always still settling in Azure.
    levels: { warn: { threshold: 5, tier: "P2", datapointsToAlarm: 10, evaluationPeriods: 10 + AZURE_PUBLISH_LAG_PERIODS.metrics } },
    treatMissingData: "notBreaching",
    what: "More than 5 % of the deployment's requests have been throttled (HTTP 429) for 10 minutes.",
    lookAt: `${ENGINEERING} > 4xx/5xx/429 rates; KQL saved search "aoai-429-by-caller"`,
    runbook: "Check TPM/RPM against quota; raise the deployment's quota, move load to another region, or fix a retry storm.",
    supersededBy: {
      slo: "aoai-availability",
      action: "retire",
      why: "429s are bad events of the availability SLO: its burn-rate alarms page a sustained 429 rate sooner (a 5 % rate is a 50x burn at 99.9 %) and ignore short bursts.",
    },
  },
  {
    id: "aoai-p99-latency",
    title: "Azure OpenAI P99 latency over SLO",
    catalogRow: "Azure OpenAI P99 latency over SLO",
    scope: "deployment",
    requiresAzure: true,
    source: (ctx, { deployment }) => ({
      kind: "math",
      expression: `100 * p99 / ${deploymentOf(ctx, deployment).sloP99Ms}`,
      label: "P99 latency (% of the deployment's SLO)",
      inputs: { p99: { metric: "aoaiLatencyP99Ms", statistic: "Maximum" } },
    }),
    metricText: "100 × AoaiLatencyP99Ms / deployment sloP99Ms",
    unit: "% of SLO",
    statistic: "Maximum",
    periodSeconds: 60,
    comparison: "GreaterThanThreshold",
    // 15 breaching minutes: a cold-start spike is never a page. P99 comes from Log Analytics,
    // whose minutes settle last; the window is widened by that publish lag.
    levels: { warn: { threshold: 100, tier: "P2", datapointsToAlarm: 15, evaluationPeriods: 15 + AZURE_PUBLISH_LAG_PERIODS.logs } },
    treatMissingData: "notBreaching",
    what: "The deployment's P99 latency has been over its SLO for 15 minutes.",
    lookAt: `${ENGINEERING} > Latency P50/P95/P99 with SLO lines; KQL saved search "aoai-slow-requests"`,
    runbook: "Compare time to first token and output length; check 429s and the region's status; shift traffic if the region is degraded.",
    supersededBy: {
      slo: "aoai-latency",
      action: "retire",
      why: "The latency SLO counts the same minutes (P99 over the threshold); 15 slow minutes in 26 is far above its fast-burn threshold, and a few slow minutes are budget, not a page.",
    },
  },
  {
    id: "aoai-zero-success",
    title: "Zero successful requests for a deployment",
    catalogRow: "Zero successful requests for a deployment",
    scope: "deployment",
    requiresAzure: true,
    source: () => ({
      kind: "math",
      // Idle minutes (no requests) are not an outage: they evaluate to 100 %.
      expression: "IF(req > 0, 100 * FILL(ok, 0) / req, 100)",
      label: "Successful requests (%)",
      inputs: { req: { metric: "aoaiRequests", statistic: "Sum" }, ok: { metric: "aoaiSuccessfulRequests", statistic: "Sum" } },
    }),
    metricText: "100 × AoaiSuccessfulRequests / AoaiRequests (100 when idle)",
    unit: "% successful",
    statistic: "Sum",
    periodSeconds: 60,
    comparison: "LessThanOrEqualToThreshold",
    levels: { critical: { threshold: 0, tier: "P1", datapointsToAlarm: 5, evaluationPeriods: 5 + AZURE_PUBLISH_LAG_PERIODS.metrics } },
    treatMissingData: "notBreaching",
    what: "The deployment received requests for 5 minutes and none of them succeeded: complete outage.",
    lookAt: `${EXECUTIVE} > SLA; KQL saved search "aoai-failed-requests"`,
    runbook:
      "Read the result codes (401: key/identity, 404: deployment deleted, 5xx: Azure incident); fail over to another deployment/region.",
    suppressedBy: "azure-telemetry-stale",
    supersededBy: {
      slo: "aoai-availability",
      action: "demote",
      tier: "P2",
      why: "A complete outage is a 1000x burn: the availability SLO's fast-burn P1 pages it as soon as the first settled minute lands, so this stays as chat context instead of a second page.",
    },
  },
  {
    id: "aoai-tpm-quota",
    title: "TPM usage vs deployment quota",
    catalogRow: "TPM usage vs deployment quota",
    scope: "deployment",
    requiresAzure: true,
    source: () => fw("aoaiTpmUtilizationPercent"),
    metricText: "AoaiTpmUtilizationPercent",
    unit: "%",
    statistic: "Maximum",
    periodSeconds: 300,
    comparison: "GreaterThanThreshold",
    // One more 5-minute period than breaching ones: the newest minutes are still settling in Azure.
    levels: {
      warn: { threshold: 80, tier: "P3", datapointsToAlarm: 3, evaluationPeriods: 3 + Math.ceil(AZURE_PUBLISH_LAG_PERIODS.metrics / 5) },
    },
    treatMissingData: "notBreaching",
    what: "The deployment has used more than 80 % of its tokens-per-minute quota for 15 minutes.",
    lookAt: `${CAPACITY} > TPM usage vs quota`,
    runbook: "Plan capacity: request more quota or add a deployment before 429s start.",
  },
  {
    id: "aoai-spend",
    title: "Token spend vs daily budget",
    catalogRow: "Spend vs daily budget",
    scope: "deployment",
    requiresAzure: true,
    source: (ctx, { deployment }) => ({
      kind: "math",
      expression: `100 * cost * 86400 / PERIOD(cost) / ${deploymentOf(ctx, deployment).dailyBudgetUsd}`,
      label: "Token spend, projected per day (% of daily budget)",
      inputs: { cost: { metric: "aoaiEstimatedCostUsd", statistic: "Sum" } },
    }),
    metricText: "AoaiEstimatedCostUsd per day, as % of the deployment's dailyBudgetUsd",
    unit: "% of budget",
    statistic: "Sum",
    periodSeconds: 3600,
    comparison: "GreaterThanThreshold",
    levels: DAILY_BUDGET_LEVELS,
    treatMissingData: "notBreaching",
    what: "The deployment's token spend is over its daily budget (warn: the recent rate projects past it; critical: the last 24 h spent more than 120 %).",
    lookAt: `${EXECUTIVE} > Token spend vs budget; ${CAPACITY} > budget burn; KQL saved search "aoai-top-callers"`,
    runbook: "Find the caller/team driving the tokens; throttle or stop a runaway client; raise dailyBudgetUsd if intended.",
  },
  ...CAPACITY_SIGNALS,
];

export const SIGNAL_IDS: readonly string[] = SIGNALS.map((s) => s.id);

export function signalById(id: string): SignalDefinition | undefined {
  return SIGNALS.find((s) => s.id === id);
}
