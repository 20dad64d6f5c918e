/**
 * CloudWatch Logs Insights query definitions for the on-call, as plain data. The construct
 * saves each as a logs.QueryDefinition named "FleetWatch-<env>/<id>"; the ids are the names
 * the signal catalog's runbooks point to (core/catalog/signals.ts, `lookAt`).
 *
 * Field names follow the structured log lines the Lambdas write: telemetry-ingest's findings
 * (`event` = fleetwatch.snapshot | fleetwatch.gpu | fleetwatch.fan | fleetwatch.power_cap |
 * fleetwatch.bmc | fleetwatch.dead_letter, see lambdas/telemetry-ingest/aggregates.ts and
 * handler.ts), the redfish-poller's "shard swept" / "BMC poll not ok" lines
 * (lambdas/redfish-poller/run-shard.ts), the azure-openai-poller's "Azure call failed" /
 * "Azure call retried" lines, and Powertools' `level`/`message`. `slowest-deployments` reads the
 * poller's one line per published (deployment, minute), `event = "fleetwatch.aoai_minute"`.
 *
 * Statements keep Logs Insights' canonical order (fields, filter, stats, sort, limit): the
 * order CDK's logs.QueryString renders, so the saved query text is exactly `queryText()`.
 */
import type { LogSource } from "../spec";

export interface LogsQuerySpec {
  readonly id: string;
  /** The on-call question this answers. */
  readonly question: string;
  readonly sources: readonly LogSource[];
  /** The log line shape (`event`) the query reads, when it reads one. */
  readonly event?: string;
  readonly fields?: readonly string[];
  readonly filter?: readonly string[];
  readonly stats?: readonly string[];
  readonly sort?: string;
  readonly limit?: number;
  /** Result columns, in order (the preview renders sample rows with them). */
  readonly columns: readonly string[];
  /** Log fields the query reads (checked against what the emitter writes). */
  readonly reads: readonly string[];
}

/** A query over one structured-log event shape (`event = "<event>"`, optionally narrowed by `where`). */
function eventQuery(event: string, q: Omit<LogsQuerySpec, "event" | "filter">, where?: string): LogsQuerySpec {
  return { ...q, event, filter: [where ? `event = "${event}" and ${where}` : `event = "${event}"`] };
}

/** Errors and warnings of one Lambda's Powertools log, grouped by message. */
function errorsAndWarnings(id: string, question: string, source: LogSource): LogsQuerySpec {
  return {
    id,
    question,
    sources: [source],
    filter: [`level = "ERROR" or level = "WARN"`],
    stats: ["count(*) as lines, max(@timestamp) as lastSeen by level, message"],
    sort: "lines desc",
    limit: 50,
    columns: ["level", "message", "lines", "lastSeen"],
    reads: ["level", "message"],
  };
}

export function logsInsightsQueries(): LogsQuerySpec[] {
  return [
    eventQuery("fleetwatch.gpu", {
      id: "gpu-hotspots",
      question: "Which GPUs are hot or throttled right now, and where?",
      sources: ["telemetry-ingest"],
      stats: [
        "max(temperatureC) as maxTempC, latest(temperatureLevel) as level, latest(throttleReasons.0) as throttleReason, latest(powerW) as powerW, latest(collectedAt) as lastSeen by cluster, bmc, gpu",
      ],
      sort: "maxTempC desc",
      limit: 50,
      columns: ["cluster", "bmc", "gpu", "maxTempC", "level", "throttleReason", "powerW", "lastSeen"],
      reads: ["temperatureC", "temperatureLevel", "throttleReasons", "powerW", "collectedAt", "cluster", "bmc", "gpu"],
    }),
    eventQuery(
      "fleetwatch.gpu",
      {
        id: "gpu-throttle-reasons",
        question: "Why are GPUs throttling, and where?",
        sources: ["telemetry-ingest"],
        stats: ["count(*) as throttledReadings, count_distinct(gpu) as gpus, count_distinct(bmc) as nodes by throttleReasons.0, cluster"],
        sort: "throttledReadings desc",
        limit: 50,
        columns: ["throttleReasons.0", "cluster", "throttledReadings", "gpus", "nodes"],
        reads: ["throttleReasons", "gpu", "bmc", "cluster"],
      },
      "ispresent(throttleReasons.0)",
    ),
    eventQuery(
      "fleetwatch.gpu",
      {
        id: "gpu-ecc-events",
        question: "Which GPUs report uncorrectable ECC errors?",
        sources: ["telemetry-ingest"],
        stats: [
          "max(eccUncorrectable) as eccUncorrectable, latest(eccUncorrectableNew) as grewRecently, latest(collectedAt) as lastSeen by cluster, bmc, gpu",
        ],
        sort: "eccUncorrectable desc",
        limit: 50,
        columns: ["cluster", "bmc", "gpu", "eccUncorrectable", "grewRecently", "lastSeen"],
        reads: ["eccUncorrectable", "eccUncorrectableNew", "collectedAt", "cluster", "bmc", "gpu"],
      },
      "eccUncorrectable > 0",
    ),
    eventQuery("fleetwatch.fan", {
      id: "failed-fans",
      question: "Which fans have failed, and in which chassis?",
      sources: ["telemetry-ingest"],
      stats: ["latest(rpm) as rpm, max(failedFansInChassis) as failedInChassis, latest(collectedAt) as lastSeen by cluster, bmc, fan"],
      sort: "failedInChassis desc",
      limit: 100,
      columns: ["cluster", "bmc", "fan", "rpm", "failedInChassis", "lastSeen"],
      reads: ["rpm", "failedFansInChassis", "collectedAt", "cluster", "bmc", "fan"],
    }),
    eventQuery("fleetwatch.power_cap", {
      id: "power-cap-hits",
      question: "Which chassis sit at their power cap?",
      sources: ["telemetry-ingest"],
      stats: [
        "count(*) as minutesAtCap, min(headroomPercent) as minHeadroomPercent, max(powerW) as maxPowerW, latest(powerLimitW) as powerLimitW by cluster, bmc, chassis",
      ],
      sort: "minutesAtCap desc",
      limit: 50,
      columns: ["cluster", "bmc", "chassis", "minutesAtCap", "minHeadroomPercent", "maxPowerW", "powerLimitW"],
      reads: ["headroomPercent", "powerW", "powerLimitW", "cluster", "bmc", "chassis"],
    }),
    eventQuery("fleetwatch.bmc", {
      id: "unreachable-bmcs",
      question: "Which BMCs fail, and why?",
      sources: ["telemetry-ingest"],
      stats: [
        "count(*) as failedPolls, latest(status) as lastStatus, latest(errors.0) as lastError, latest(lastGoodAt) as lastGoodAt by cluster, bmc",
      ],
      sort: "failedPolls desc",
      limit: 100,
      columns: ["cluster", "bmc", "failedPolls", "lastStatus", "lastError", "lastGoodAt"],
      reads: ["status", "errors", "lastGoodAt", "cluster", "bmc"],
    }),
    eventQuery("fleetwatch.dead_letter", {
      id: "sink-rejections",
      question: "Which records were rejected by the sink or dead-lettered, and why?",
      sources: ["telemetry-ingest"],
      stats: [
        "count(*) as records, latest(sequenceNumber) as lastSequenceNumber, latest(shardId) as shardId, max(@timestamp) as lastSeen by stage, reason, bmc",
      ],
      sort: "records desc",
      limit: 100,
      columns: ["stage", "reason", "bmc", "records", "lastSequenceNumber", "shardId", "lastSeen"],
      reads: ["stage", "reason", "bmc", "sequenceNumber", "shardId"],
    }),
    {
      id: "ingest-errors",
      question: "What is the telemetry-ingest Lambda failing on?",
      sources: ["telemetry-ingest"],
      filter: [`level = "ERROR" or event = "fleetwatch.dead_letter"`],
      stats: ["count(*) as lines, latest(reason) as lastReason, max(@timestamp) as lastSeen by message"],
      sort: "lines desc",
      limit: 50,
      columns: ["message", "lines", "lastReason", "lastSeen"],
      reads: ["level", "message", "reason"],
    },
    errorsAndWarnings("poller-errors", "What is the redfish-poller failing on?", "redfish-poller"),
    {
      id: "slow-bmcs",
      question: "Which shards sweep slowly, and which BMCs time out (the poller's 55 s budget)?",
      sources: ["redfish-poller"],
      // "shard swept" has shard (no cluster/bmc), "BMC poll not ok" has cluster/bmc (no shard):
      // one key that each event type fills, so neither groups under empty fields.
      fields: [`coalesce(bmc, concat("shard ", shard)) as target`],
      filter: [`message = "shard swept" or (message = "BMC poll not ok" and errors.0 like /(?i)(timeout|timed out|ETIMEDOUT)/)`],
      stats: [
        "latest(cluster) as cluster, max(sweepMs) as slowestSweepMs, count(errors.0) as timeouts, max(@timestamp) as lastSeen by target",
      ],
      sort: "slowestSweepMs desc",
      limit: 50,
      columns: ["target", "cluster", "slowestSweepMs", "timeouts", "lastSeen"],
      reads: ["message", "sweepMs", "errors", "shard", "cluster", "bmc"],
    },
    {
      id: "azure-poll-errors",
      question: "Which Azure calls fail or are retried, and why?",
      sources: ["azure-openai-poller"],
      filter: [`level = "ERROR" or message = "Azure call retried"`],
      stats: ["count(*) as lines, latest(error) as lastError, max(@timestamp) as lastSeen by message, service, status"],
      sort: "lines desc",
      limit: 50,
      columns: ["message", "service", "status", "lines", "lastError", "lastSeen"],
      reads: ["level", "message", "error", "service", "status"],
    },
    eventQuery("fleetwatch.aoai_minute", {
      id: "slowest-deployments",
      question: "Which Azure OpenAI deployments are slowest?",
      sources: ["azure-openai-poller"],
      stats: ["max(latencyP99Ms) as worstP99Ms, avg(latencyP95Ms) as avgP95Ms, sum(requests) as requests by deployment"],
      sort: "worstP99Ms desc",
      limit: 20,
      columns: ["deployment", "worstP99Ms", "avgP95Ms", "requests"],
      reads: ["deployment", "latencyP99Ms", "latencyP95Ms", "requests"],
    }),
    errorsAndWarnings("p1-enricher-errors", "Did the P1 enricher fail to name the offending node?", "p1-enricher"),
    ...incidentAndCapacityQueries(),
  ];
}

/**
 * Queries over the incident recorder's `fleetwatch.incident` lines and the capacity-forecast
 * Lambda's `fleetwatch.quota_headroom`, `fleetwatch.forecast` and `fleetwatch.forecast_crossing`
 * lines (lambdas/incident-recorder/incidents.ts, lambdas/capacity-forecast/run-*.ts).
 */
export function incidentAndCapacityQueries(): LogsQuerySpec[] {
  return [
    eventQuery(
      "fleetwatch.incident",
      {
        id: "incidents",
        question: "Which incidents resolved last, how long did they take, did they flap?",
        sources: ["incident-recorder"],
        fields: ["durationSeconds / 60 as durationMinutes"],
        stats: [
          "latest(durationMinutes) as minutes, max(flaps) as flaps, max(@timestamp) as resolvedAt, latest(startedAt) as started by incidentId, tier, signal, scope",
        ],
        sort: "resolvedAt desc",
        limit: 50,
        columns: ["resolvedAt", "tier", "signal", "scope", "minutes", "flaps", "started", "incidentId"],
        reads: ["event", "action", "durationSeconds", "flaps", "startedAt", "incidentId", "tier", "signal", "scope"],
      },
      `action = "resolved"`,
    ),
    eventQuery("fleetwatch.quota_headroom", {
      id: "quota-headroom",
      question: "How much of each region's quota is left, per model and deployment type?",
      sources: ["capacity-forecast"],
      stats: [
        "latest(headroomPercent) as headroomPct, latest(limit) as quota, latest(used) as used, latest(deployedByFleetWatch) as fleetWatch, latest(deployments) as fleetWatchDeployments by region, quotaName",
      ],
      sort: "headroomPct asc",
      limit: 100,
      columns: ["region", "quotaName", "headroomPct", "quota", "used", "fleetWatch", "fleetWatchDeployments"],
      reads: ["event", "headroomPercent", "limit", "used", "deployedByFleetWatch", "deployments", "region", "quotaName"],
    }),
    eventQuery("fleetwatch.forecast", {
      id: "forecast-backtest",
      question: "How wrong was the forecast method on each series' own past (7 and 28 days ahead)?",
      sources: ["capacity-forecast"],
      stats: [
        "latest(backtestMape7dPercent) as mape7dPct, latest(backtestMape28dPercent) as mape28dPct, latest(slopePerDay) as slopePerDay, latest(points) as days by series",
      ],
      sort: "mape7dPct desc",
      limit: 100,
      columns: ["series", "mape7dPct", "mape28dPct", "slopePerDay", "days"],
      reads: ["event", "backtestMape7dPercent", "backtestMape28dPercent", "slopePerDay", "points", "series"],
    }),
    eventQuery("fleetwatch.forecast_crossing", {
      id: "forecast-crossings",
      question: "When does each projection cross its quota or budget line?",
      sources: ["capacity-forecast"],
      stats: ["latest(crossesOn) as crossing, latest(daysToCross) as days, latest(lineValue) as lineAt by series, line"],
      sort: "days asc",
      limit: 100,
      columns: ["series", "line", "crossing", "days", "lineAt"],
      reads: ["event", "crossesOn", "daysToCross", "lineValue", "series", "line"],
    }),
  ];
}

/** The query text exactly as logs.QueryString renders it (statements joined by "\n| "). */
export function queryText(q: LogsQuerySpec): string {
  const parts: string[] = [];
  if (q.fields?.length) parts.push(`fields ${q.fields.join(", ")}`);
  for (const f of q.filter ?? []) parts.push(`filter ${f}`);
  for (const s of q.stats ?? []) parts.push(`stats ${s}`);
  if (q.sort) parts.push(`sort ${q.sort}`);
  if (q.limit !== undefined) parts.push(`limit ${q.limit}`);
  return parts.join("\n| ");
}
