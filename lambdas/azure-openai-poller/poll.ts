/**
 * One poll: read quotas (cached), platform metrics and logs for a trailing window, keep what is
 * settled and not yet published, claim it in the watermark table, publish it to CloudWatch with
 * its real minute as the timestamp, then publish the poller's own health (staleness, errors).
 * Azure failures are reported, never thrown; a CloudWatch failure is thrown (the Lambda fails).
 */

import type { PollerSettings } from "../../core/contracts/azure-openai-poller-settings";
import { METRICS, type MetricKey } from "../../core/metric-registry";
import type { Log } from "../shared/log";
import type { MetricDatum, MetricSink } from "../shared/put-metric-data";
import { groupIntoBatches, parseResourceId, type ResourceBatch } from "./batching";
import {
  appRoleMinutes,
  type Datapoint,
  type DeploymentContext,
  deploymentKey,
  deploymentScope,
  logLatencyDatapoints,
  minuteOf,
  platformDatapoints,
} from "./datapoints";
import { describeAzureError, type ErrorContext, type PollError } from "./errors";
import { appRoleLatencyQuery, deploymentLatencyQuery } from "./kql";
import { METRIC_CALLS, METRIC_FAMILIES, type MetricFamily } from "./metric-families";
import type { DeploymentsReader, LogsReader, MetricSeries, MetricsReader, WatermarkStore } from "./ports";
import { type DeploymentQuota, quotaOf } from "./quota";
import { groupClaims, selectToPublish } from "./watermark";

/** Log field names for the per-deployment minute line (the rest use the CloudWatch metric name). */
export const MINUTE_LOG_FIELDS: Partial<Record<MetricKey, string>> = {
  aoaiRequests: "requests",
  aoaiSuccessfulRequests: "successes",
  aoaiLatencyP50Ms: "latencyP50Ms",
  aoaiLatencyP95Ms: "latencyP95Ms",
  aoaiLatencyP99Ms: "latencyP99Ms",
  aoaiTimeToFirstTokenMs: "ttftMs",
  aoai429RatePercent: "rate429Percent",
};

export interface PollDependencies {
  readonly settings: PollerSettings;
  readonly metrics: MetricsReader;
  readonly logs: LogsReader;
  readonly deployments: DeploymentsReader;
  readonly watermark: WatermarkStore;
  readonly publisher: MetricSink;
  readonly log: Log;
  /** Who we are (for error messages); never the secret. */
  readonly identity: { readonly clientId?: string; readonly tenantId: string };
  /** Strings to scrub from any message (the client secret). */
  readonly secrets: readonly string[];
  readonly quotaCache?: QuotaCache;
  /** Gets a token once up front, so a rejected service principal is one clear error, not one per call. */
  readonly authenticate?: () => Promise<void>;
}

export class QuotaCache {
  private readonly entries = new Map<string, { at: number; quotas: Map<string, DeploymentQuota> }>();
  get(account: string, now: number, maxAgeMs: number): Map<string, DeploymentQuota> | undefined {
    const e = this.entries.get(account.toLowerCase());
    return e && now - e.at < maxAgeMs ? e.quotas : undefined;
  }
  /** Last known value, however old: better than nothing when ARM is unavailable. */
  stale(account: string): Map<string, DeploymentQuota> | undefined {
    return this.entries.get(account.toLowerCase())?.quotas;
  }
  set(account: string, now: number, quotas: Map<string, DeploymentQuota>): void {
    this.entries.set(account.toLowerCase(), { at: now, quotas });
  }
}

export interface PollSummary {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly published: number;
  readonly waiting: number;
  readonly alreadyPublished: number;
  readonly claimConflicts: number;
  readonly partialLogQueries: number;
  readonly errors: readonly PollError[];
  /** The requests family was read completely: what AzureTelemetryStalenessSeconds measures. */
  readonly azureReadOk: boolean;
  readonly stalenessSeconds: number;
  /** Seconds since each metric family was last read completely. */
  readonly familyStalenessSeconds: Readonly<Record<MetricFamily, number>>;
}

/** Published when Azure has never been read successfully: clearly "blind", far above any alarm threshold. */
export const NEVER_READ_STALENESS_SECONDS = 86_400;

export async function pollOnce(deps: PollDependencies, now: number): Promise<PollSummary> {
  const { settings, log } = deps;
  const windowEnd = minuteOf(now);
  const windowStart = windowEnd - settings.lookbackMinutes * 60_000;
  const start = new Date(windowStart);
  const end = new Date(windowEnd);
  const errors: PollError[] = [];
  const fail = (err: unknown, ctx: Omit<ErrorContext, "clientId" | "tenantId">) => {
    const e = describeAzureError(
      err,
      { ...ctx, clientId: deps.identity.clientId, tenantId: deps.identity.tenantId, secretName: settings.credentialsSecretName },
      deps.secrets,
    );
    errors.push(e);
    log.error("Azure call failed", { service: e.service, status: e.status, code: e.code, error: e.message });
  };

  const byAccount = new Map<string, Map<string, DeploymentContext>>();
  const known = new Set<string>();
  for (const a of settings.accounts) {
    const m = new Map<string, DeploymentContext>();
    for (const d of a.deployments) {
      m.set(d.name, { ...d, accountResourceId: a.resourceId });
      known.add(d.name);
    }
    byAccount.set(a.resourceId.toLowerCase(), m);
  }

  let authenticated = true;
  if (deps.authenticate) {
    try {
      await deps.authenticate();
    } catch (err) {
      authenticated = false;
      fail(err, { service: "auth" });
    }
  }
  // Every way out publishes the poller's own health for this window.
  const done = (counts: Counts, familyOk: ReadonlyMap<MetricFamily, boolean>) => finish(deps, now, start, end, errors, counts, familyOk);
  if (!authenticated)
    return done(
      { ready: 0, waiting: 0, alreadyPublished: 0, claimConflicts: 0, partialLogQueries: 0 },
      new Map(METRIC_FAMILIES.map((f) => [f, false])),
    );

  const quotas = await readQuotas(deps, now, fail);
  // One call per family and batch, each with the one aggregation its metrics support. A failed
  // call costs its family; a per-metric errorCode costs that metric (and its family's freshness).
  const familyOk = new Map<MetricFamily, boolean>(METRIC_FAMILIES.map((f) => [f, true]));
  const series: MetricSeries[] = [];
  const batches = groupIntoBatches(settings.accounts);
  await Promise.all(
    batches.flatMap((batch) =>
      METRIC_CALLS.map(async (call) => {
        try {
          const answer = await deps.metrics.query({
            batch,
            metricNames: call.names,
            aggregation: call.aggregation,
            filter: call.filter,
            start,
            end,
          });
          series.push(...answer.series);
          for (const e of answer.errors) {
            familyOk.set(call.family, false);
            fail(Object.assign(new Error(`${e.metric} of ${e.resourceId}: ${e.code} ${e.message}`.trim()), { code: e.code }), {
              service: "metrics",
              subscriptionId: batch.subscriptionId,
              scope: `${e.metric} (${call.family})`,
            });
          }
        } catch (err) {
          familyOk.set(call.family, false);
          fail(err, { service: "metrics", subscriptionId: batch.subscriptionId, scope: `${call.family}: ${batchScope(batch)}` });
        }
      }),
    ),
  );
  const platform = platformDatapoints(series, { deployments: byAccount, quotas, prices: settings.prices });
  if (platform.unknownDeployments.length > 0)
    log.info("Azure reports deployments not in the configuration", { deployments: platform.unknownDeployments });

  const logDatapoints: Datapoint[] = [];
  let logsOk = true;
  let partialLogQueries = 0;
  for (const ws of settings.workspaces) {
    const wsSubscription = ws.resourceId ? parseResourceId(ws.resourceId).subscriptionId : undefined;
    for (const table of ws.tables) {
      const kql =
        table === "AzureDiagnostics"
          ? deploymentLatencyQuery(
              settings.accounts.map((a) => ({ resourceId: a.resourceId, deployments: a.deployments.map((d) => d.name) })),
              start,
              end,
            )
          : appRoleLatencyQuery(start, end);
      try {
        const result = await deps.logs.query(ws.workspaceId, kql, start, end);
        if (result.partialError !== undefined) {
          // Incomplete rows would be published as final values: skip them, the next poll re-reads.
          partialLogQueries++;
          log.warn("Log Analytics returned a partial result; not publishing it", {
            workspaceId: ws.workspaceId,
            table,
            error: result.partialError,
          });
          continue;
        }
        if (table === "AzureDiagnostics") logDatapoints.push(...logLatencyDatapoints(result, byAccount));
        else
          for (const r of appRoleMinutes(result))
            log.info("app role minute", { workspaceId: ws.workspaceId, ...r, minute: new Date(r.minute).toISOString() });
      } catch (err) {
        logsOk = false;
        fail(err, { service: "logs", subscriptionId: wsSubscription, scope: ws.workspaceId });
      }
    }
  }

  // Exactly once: drop what is published or not settled, then claim before sending.
  const candidates = [...platform.datapoints, ...logDatapoints];
  const scopes = [...known].map(deploymentScope);
  const published = await deps.watermark.readPublished(scopes, windowStart);
  const selection = selectToPublish(candidates, published, now, windowStart, {
    metrics: settings.metricsSettleMinutes,
    logs: settings.logsSettleMinutes,
  });
  const claimed: Datapoint[] = [];
  const claims = groupClaims(selection.ready);
  let claimConflicts = 0;
  const claimedGroups: typeof claims = [];
  for (const c of claims) {
    const names = c.datapoints.map((d) => METRICS[d.metric].name);
    if (await deps.watermark.claim(c.scope, c.minute, names)) {
      claimed.push(...c.datapoints);
      claimedGroups.push(c);
    } else claimConflicts++;
  }

  const data = claimed.map((d) => toDatum(d, settings.environment));
  data.push(...teamCost(claimed, byAccount, settings.environment));
  try {
    await deps.publisher.publish(data);
  } catch (err) {
    // Give the minutes back so the next poll publishes them, then fail loudly.
    for (const c of claimedGroups)
      await deps.watermark.release(
        c.scope,
        c.minute,
        c.datapoints.map((d) => METRICS[d.metric].name),
      );
    throw err;
  }

  // One line per published (deployment, minute): the per-deployment detail the on-call ranks
  // with the "slowest-deployments" Logs Insights query (metrics keep only aggregates).
  for (const c of claimedGroups) {
    const values: Record<string, number> = {};
    for (const d of c.datapoints) values[MINUTE_LOG_FIELDS[d.metric] ?? METRICS[d.metric].name] = d.value;
    log.info("deployment minute published", {
      event: "fleetwatch.aoai_minute",
      deployment: c.datapoints[0]?.deployment,
      minute: new Date(c.minute).toISOString(),
      ...values,
    });
  }

  // Staleness follows the platform metrics, per family. The environment-level figure is the
  // requests family: it carries requests and successes, which the zero-success P1 trusts.
  // A Log Analytics or ARM failure is an error, not blindness.
  if (!logsOk) log.warn("Log Analytics could not be read: latency percentiles are missing for this poll");
  return done(
    { ready: data.length, waiting: selection.waiting, alreadyPublished: selection.alreadyPublished, claimConflicts, partialLogQueries },
    familyOk,
  );
}

interface Counts {
  readonly ready: number;
  readonly waiting: number;
  readonly alreadyPublished: number;
  readonly claimConflicts: number;
  readonly partialLogQueries: number;
}

/** The poller's own health, every poll: staleness of what we know about Azure, and errors. */
async function finish(
  deps: PollDependencies,
  now: number,
  start: Date,
  end: Date,
  errors: PollError[],
  counts: Counts,
  familyOk: ReadonlyMap<MetricFamily, boolean>,
): Promise<PollSummary> {
  const { settings, log } = deps;
  const at = new Date(now);
  const envDims = { Environment: settings.environment };
  const familyStalenessSeconds = {} as Record<MetricFamily, number>;
  for (const family of METRIC_FAMILIES) {
    let lastSuccess = await deps.watermark.readLastSuccess(family);
    if (familyOk.get(family)) {
      await deps.watermark.writeLastSuccess(now, family);
      lastSuccess = now;
    }
    familyStalenessSeconds[family] =
      lastSuccess === undefined ? NEVER_READ_STALENESS_SECONDS : Math.max(0, Math.round((now - lastSuccess) / 1000));
  }
  const azureReadOk = familyOk.get("requests") === true;
  const stalenessSeconds = familyStalenessSeconds.requests;
  await deps.publisher.publish([
    health("azureTelemetryStalenessSeconds", stalenessSeconds, envDims, at),
    ...METRIC_FAMILIES.map((family) =>
      health("azureMetricFamilyStalenessSeconds", familyStalenessSeconds[family], { ...envDims, MetricFamily: family }, at),
    ),
    health("azurePollErrors", errors.length, envDims, at),
  ]);
  const summary: PollSummary = {
    windowStart: start.toISOString(),
    windowEnd: end.toISOString(),
    published: counts.ready,
    waiting: counts.waiting,
    alreadyPublished: counts.alreadyPublished,
    claimConflicts: counts.claimConflicts,
    partialLogQueries: counts.partialLogQueries,
    errors,
    azureReadOk,
    stalenessSeconds,
    familyStalenessSeconds,
  };
  log.info("poll finished", { ...summary, errors: errors.map((e) => e.message) });
  return summary;
}

function batchScope(batch: ResourceBatch): string {
  return `${batch.resourceIds.length} ${batch.namespace} resources in ${batch.region}`;
}

async function readQuotas(
  deps: PollDependencies,
  now: number,
  fail: (err: unknown, ctx: Omit<ErrorContext, "clientId" | "tenantId">) => void,
): Promise<Map<string, DeploymentQuota>> {
  const out = new Map<string, DeploymentQuota>();
  const maxAge = deps.settings.quotaCacheMinutes * 60_000;
  for (const a of deps.settings.accounts) {
    let quotas = deps.quotaCache?.get(a.resourceId, now, maxAge);
    if (!quotas) {
      try {
        const list = await deps.deployments.list(a.resourceId);
        quotas = new Map(list.map((d) => [d.name, quotaOf(d)]));
        deps.quotaCache?.set(a.resourceId, now, quotas);
      } catch (err) {
        fail(err, { service: "deployments", subscriptionId: parseResourceId(a.resourceId).subscriptionId, scope: a.resourceId });
        quotas = deps.quotaCache?.stale(a.resourceId);
      }
    }
    // Keyed by account and deployment: another account's (or an unwatched) deployment of the same name never leaks in.
    for (const [name, q] of quotas ?? []) out.set(deploymentKey(a.resourceId, name), q);
  }
  return out;
}

function toDatum(d: Datapoint, environment: string): MetricDatum {
  return {
    metric: d.metric,
    dimensions: { Environment: environment, Deployment: d.deployment },
    timestamp: new Date(d.minute),
    value: d.value,
  };
}

/**
 * Team spend = the sum of its deployments' cost datapoints published in this poll. Each
 * deployment minute is published once, so a team minute may get several datapoints whose Sum
 * is exact (alarm on Sum, never Average).
 */
function teamCost(
  claimed: readonly Datapoint[],
  byAccount: Map<string, Map<string, DeploymentContext>>,
  environment: string,
): MetricDatum[] {
  const teamOf = new Map<string, string>();
  for (const m of byAccount.values()) for (const d of m.values()) teamOf.set(d.name, d.team);
  const sums = new Map<string, { team: string; minute: number; value: number }>();
  for (const d of claimed) {
    if (d.metric !== "aoaiEstimatedCostUsd") continue;
    const team = teamOf.get(d.deployment);
    if (!team) continue;
    const key = `${team}|${d.minute}`;
    const s = sums.get(key) ?? { team, minute: d.minute, value: 0 };
    s.value += d.value;
    sums.set(key, s);
  }
  return [...sums.values()].map((s) => ({
    metric: "aoaiTeamEstimatedCostUsd" as const,
    dimensions: { Environment: environment, Team: s.team },
    timestamp: new Date(s.minute),
    value: s.value,
  }));
}

function health(metric: MetricKey, value: number, dimensions: Record<string, string>, at: Date): MetricDatum {
  return { metric, dimensions, timestamp: at, value };
}
