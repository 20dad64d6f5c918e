/**
 * Turns what Azure returned into one value per (deployment, metric, minute): request counts
 * and rates by status class, tokens, cost, quota utilisation, latency. Pure: no SDK, no clock.
 */
import type { MetricKey } from "../../core/metric-registry";
import { estimatedCostUsd, type ModelPrice } from "./cost";
import type { LogsResult, MetricSeries } from "./ports";
import { type DeploymentQuota, utilisationPercent } from "./quota";

export type Source = "metrics" | "logs";

export interface Datapoint {
  /** "deployment#<name>" (the watermark scope). */
  readonly scope: string;
  readonly deployment: string;
  readonly metric: MetricKey;
  /** Start of the minute, epoch ms. */
  readonly minute: number;
  readonly value: number;
  readonly source: Source;
}

export interface DeploymentContext {
  readonly name: string;
  readonly team: string;
  readonly model: string;
  readonly accountResourceId: string;
}

export interface PlatformContext {
  /** Lower-case account resource id -> deployment name -> deployment. */
  readonly deployments: ReadonlyMap<string, ReadonlyMap<string, DeploymentContext>>;
  /** deploymentKey(account, name) -> quota (absent when ARM could not be read). */
  readonly quotas: ReadonlyMap<string, DeploymentQuota>;
  readonly prices: Readonly<Record<string, ModelPrice>>;
}

/**
 * Every Azure fact is keyed by account and deployment: two accounts (regions) commonly both have
 * a "gpt-4o" deployment, and ARM lists deployments FleetWatch does not watch too.
 */
export function deploymentKey(accountResourceId: string, deploymentName: string): string {
  return `${accountResourceId.toLowerCase()}|${deploymentName}`;
}

export function deploymentScope(name: string): string {
  return `deployment#${name}`;
}

export function minuteOf(epochMs: number): number {
  return Math.floor(epochMs / 60_000) * 60_000;
}

interface MinuteAccumulator {
  requests?: number;
  byStatusClass: { s2xx: number; s4xx: number; s429: number; s5xx: number };
  prompt?: number;
  generated?: number;
  tokenTransactions?: number;
  averages: Map<string, number[]>;
}

const AVERAGE_METRICS: Record<string, MetricKey> = {
  // Time to Response is the streaming time to first token; the normalised metric is per token.
  AzureOpenAITimeToResponse: "aoaiTimeToFirstTokenMs",
  AzureOpenAINormalizedTTFTInMS: "aoaiNormalizedTimeToFirstBytePerTokenMs",
  AzureOpenAITTLTInMS: "aoaiTimeToLastTokenMs",
  AzureOpenAIAvailabilityRate: "aoaiAvailabilityPercent",
  AzureOpenAIProvisionedManagedUtilizationV2: "aoaiProvisionedUtilizationPercent",
};

function add(a: number | undefined, b: number): number {
  return (a ?? 0) + b;
}

export interface PlatformResult {
  readonly datapoints: Datapoint[];
  /** Deployments Azure reported that are not in the configuration (logged, not published). */
  readonly unknownDeployments: string[];
}

export function platformDatapoints(series: readonly MetricSeries[], ctx: PlatformContext): PlatformResult {
  const acc = new Map<string, Map<number, MinuteAccumulator>>();
  const owners = new Map<string, DeploymentContext>();
  const unknown = new Set<string>();
  for (const s of series) {
    const deploymentName = s.dimensions.modeldeploymentname;
    if (!deploymentName) continue;
    const deployment = ctx.deployments.get(s.resourceId.toLowerCase())?.get(deploymentName);
    if (!deployment) {
      unknown.add(`${s.resourceId}:${deploymentName}`);
      continue;
    }
    const key = deploymentKey(deployment.accountResourceId, deployment.name);
    let minutes = acc.get(key);
    if (!minutes) {
      minutes = new Map();
      acc.set(key, minutes);
      owners.set(key, deployment);
    }
    for (const p of s.points) {
      const minute = minuteOf(p.timestamp);
      let m = minutes.get(minute);
      if (!m) {
        m = { byStatusClass: { s2xx: 0, s4xx: 0, s429: 0, s5xx: 0 }, averages: new Map() };
        minutes.set(minute, m);
      }
      accumulate(m, s, p);
    }
  }
  const datapoints: Datapoint[] = [];
  for (const [key, minutes] of acc) {
    const deployment = owners.get(key) as DeploymentContext;
    for (const [minute, m] of minutes) datapoints.push(...minuteDatapoints(deployment, minute, m, ctx));
  }
  return { datapoints, unknownDeployments: [...unknown].sort() };
}

function accumulate(m: MinuteAccumulator, s: MetricSeries, p: MetricSeries["points"][number]): void {
  switch (s.metric) {
    case "AzureOpenAIRequests": {
      // A missing total means "no value yet", not zero: the minute stays unknown until it arrives.
      if (p.total === undefined) return;
      m.requests = add(m.requests, p.total);
      const status = s.dimensions.statuscode ?? "";
      if (/^2\d\d$/.test(status)) m.byStatusClass.s2xx += p.total;
      else if (/^4\d\d$/.test(status)) {
        m.byStatusClass.s4xx += p.total;
        if (status === "429") m.byStatusClass.s429 += p.total;
      } else if (/^5\d\d$/.test(status)) m.byStatusClass.s5xx += p.total;
      return;
    }
    case "ProcessedPromptTokens":
      if (p.total !== undefined) m.prompt = add(m.prompt, p.total);
      return;
    case "GeneratedTokens":
      if (p.total !== undefined) m.generated = add(m.generated, p.total);
      return;
    case "TokenTransaction":
      if (p.total !== undefined) m.tokenTransactions = add(m.tokenTransactions, p.total);
      return;
    default:
      if (s.metric in AVERAGE_METRICS && p.average !== undefined) {
        const list = m.averages.get(s.metric) ?? [];
        list.push(p.average);
        m.averages.set(s.metric, list);
      }
  }
}

function minuteDatapoints(d: DeploymentContext, minute: number, m: MinuteAccumulator, ctx: PlatformContext): Datapoint[] {
  const out: Datapoint[] = [];
  const push = (metric: MetricKey, value: number | undefined) => {
    if (value === undefined || !Number.isFinite(value)) return;
    out.push({ scope: deploymentScope(d.name), deployment: d.name, metric, minute, value, source: "metrics" });
  };
  const quota = ctx.quotas.get(deploymentKey(d.accountResourceId, d.name));
  if (m.requests !== undefined) {
    push("aoaiRequests", m.requests);
    // Rates and successes only mean something with traffic; "traffic but zero successes"
    // publishes successes = 0, which is what the outage alarm looks for.
    if (m.requests > 0) {
      const c = m.byStatusClass;
      push("aoaiSuccessfulRequests", c.s2xx);
      // A count, not a rate: the availability SLO sums it over windows (core/catalog/slo.ts).
      push("aoaiUnavailableRequests", c.s429 + c.s5xx);
      push("aoai429RatePercent", (c.s429 / m.requests) * 100);
      push("aoai4xxRatePercent", (c.s4xx / m.requests) * 100);
      push("aoai5xxRatePercent", (c.s5xx / m.requests) * 100);
      push("aoai5xxRequests", c.s5xx);
    }
    push("aoaiRpmUtilizationPercent", utilisationPercent(m.requests, quota?.requestsPerMinute));
  }
  push("aoaiPromptTokens", m.prompt);
  push("aoaiGeneratedTokens", m.generated);
  const tokens =
    m.tokenTransactions ?? (m.prompt !== undefined || m.generated !== undefined ? (m.prompt ?? 0) + (m.generated ?? 0) : undefined);
  push("aoaiTokens", tokens);
  // Tokens processed / TPM quota. The limiter admits a request on prompt tokens + max_tokens, so
  // 429s can start below 100 %: this is a lower bound of the limiter's count (docs/azure-openai.md).
  if (tokens !== undefined && !quota?.provisioned) push("aoaiTpmUtilizationPercent", utilisationPercent(tokens, quota?.tokensPerMinute));
  const price = ctx.prices[d.model];
  if (price && (m.prompt !== undefined || m.generated !== undefined)) {
    push("aoaiEstimatedCostUsd", estimatedCostUsd(m.prompt ?? 0, m.generated ?? 0, price));
  }
  for (const [azureName, values] of m.averages) {
    const key = AVERAGE_METRICS[azureName] as MetricKey;
    push(key, values.reduce((a, b) => a + b, 0) / values.length);
  }
  // Provisioned: PTU utilisation V2 is the limiter's own measure (429 at >= 100 %), the best predictor there is.
  if (quota?.provisioned) {
    const ptu = out.find((p) => p.metric === "aoaiProvisionedUtilizationPercent");
    if (ptu) push("aoaiTpmUtilizationPercent", ptu.value);
  }
  return out;
}

function num(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function minuteValue(v: unknown): number | undefined {
  const t = v instanceof Date ? v.getTime() : typeof v === "string" ? Date.parse(v) : Number.NaN;
  return Number.isFinite(t) ? minuteOf(t) : undefined;
}

/**
 * P50/P95/P99 per deployment and minute from the AzureDiagnostics query, which groups by account
 * (_ResourceId) and deployment: a row counts only for the account the deployment belongs to.
 */
export function logLatencyDatapoints(
  result: LogsResult,
  deployments: ReadonlyMap<string, ReadonlyMap<string, DeploymentContext>>,
): Datapoint[] {
  const out: Datapoint[] = [];
  for (const row of result.rows) {
    const name = typeof row.Deployment === "string" ? row.Deployment : undefined;
    const account = typeof row.Account === "string" ? row.Account.toLowerCase() : undefined;
    const minute = minuteValue(row.Minute);
    const deployment = name && account ? deployments.get(account)?.get(name)?.name : undefined;
    if (!deployment || minute === undefined) continue;
    const pairs: [MetricKey, unknown][] = [
      ["aoaiLatencyP50Ms", row.P50],
      ["aoaiLatencyP95Ms", row.P95],
      ["aoaiLatencyP99Ms", row.P99],
    ];
    for (const [metric, raw] of pairs) {
      const value = num(raw);
      if (value !== undefined) out.push({ scope: deploymentScope(deployment), deployment, metric, minute, value, source: "logs" });
    }
  }
  return out;
}

export interface AppRoleMinute {
  readonly appRole: string;
  readonly minute: number;
  readonly requests: number;
  readonly throttledPercent: number;
  readonly failedPercent: number;
  readonly p50Ms?: number;
  readonly p95Ms?: number;
  readonly p99Ms?: number;
}

/** Per app role and minute from AppRequests: logged as structured records (unbounded names stay out of CloudWatch metrics). */
export function appRoleMinutes(result: LogsResult): AppRoleMinute[] {
  const out: AppRoleMinute[] = [];
  for (const row of result.rows) {
    const minute = minuteValue(row.Minute);
    const requests = num(row.Requests);
    if (minute === undefined || !requests) continue;
    out.push({
      appRole: typeof row.AppRoleName === "string" && row.AppRoleName ? row.AppRoleName : "(none)",
      minute,
      requests,
      throttledPercent: ((num(row.Throttled) ?? 0) / requests) * 100,
      failedPercent: ((num(row.Failed) ?? 0) / requests) * 100,
      p50Ms: num(row.P50),
      p95Ms: num(row.P95),
      p99Ms: num(row.P99),
    });
  }
  return out;
}
