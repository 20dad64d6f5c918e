/**
 * Azure OpenAI deployments' traffic, minute by minute, written into the Azure fake the way
 * Azure Monitor would expose it: platform metrics (AzureOpenAIRequests split by StatusCode,
 * tokens, time to response, availability) for metrics:getBatch, and the per-minute rows the
 * poller's AzureDiagnostics KQL would return from Log Analytics (the fake does not run KQL,
 * so the model plays Log Analytics and answers with the query's result shape).
 * A minute is exposed once it has ended. Deterministic: no randomness, small periodic jitter.
 */
import { type AzureFakeServer, DEPLOYMENT_LATENCY_COLUMNS, type FakeMetricValue } from "../dev-support/azure-fake-server";
import { minuteCondition, type TrafficCondition, worstOf } from "./traffic-condition";

export interface DeploymentTraffic {
  readonly accountResourceId: string;
  readonly name: string;
  readonly model: string;
  /** Standard SKU capacity (1 unit = 1,000 TPM, 6 RPM). */
  readonly capacity: number;
  readonly requestsPerMinute: number;
  readonly promptTokensPerRequest: number;
  readonly completionTokensPerRequest: number;
  /** Normal P99 latency (ms); P50/P95 are fixed fractions of it. */
  readonly p99Ms: number;
}

const KEEP_MINUTES = 90;

export class AzureTraffic {
  /** Every condition change, in time order, so a minute is shaped by what was active during it. */
  private readonly history: { at: number; deployment: string; name: string; condition?: TrafficCondition }[] = [];
  private readonly rows: Record<string, unknown>[] = [];
  private lastMinute?: number;

  constructor(
    private readonly azure: AzureFakeServer,
    readonly deployments: readonly DeploymentTraffic[],
    private readonly workspaceId: string,
  ) {
    for (const d of deployments) {
      const list = azure.deployments.get(d.accountResourceId.toLowerCase()) ?? [];
      list.push({ name: d.name, model: d.model, sku: { name: "Standard", capacity: d.capacity } });
      azure.deployments.set(d.accountResourceId.toLowerCase(), list);
    }
    this.publishLogs();
  }

  setCondition(deployment: string, name: string, condition: TrafficCondition | undefined, at = Date.now()): void {
    this.history.push({ at, deployment, name, ...(condition ? { condition } : {}) });
  }

  private activeAt(deployment: string, t: number): TrafficCondition[] {
    const active = new Map<string, TrafficCondition>();
    for (const h of this.history) {
      if (h.at > t) break;
      if (h.deployment !== deployment) continue;
      if (h.condition) active.set(h.name, h.condition);
      else active.delete(h.name);
    }
    return [...active.values()];
  }

  /** The condition over one minute (minuteCondition: 10 s samples averaged, latency the worst). */
  private effective(deployment: string, minute: number): Required<TrafficCondition> {
    return minuteCondition((t) => worstOf(this.activeAt(deployment, t)), minute);
  }

  /** Records every minute that ended at or before `now` (with the conditions active now). */
  advance(now: number): void {
    const current = Math.floor(now / 60_000) * 60_000;
    const from = this.lastMinute === undefined ? current - 60_000 : this.lastMinute + 60_000;
    for (let minute = from; minute < current; minute += 60_000) this.recordMinute(minute);
    this.lastMinute = current - 60_000;
    // Bounded memory: the poller looks back at most 30 minutes by default.
    const horizon = current - KEEP_MINUTES * 60_000;
    const keep = this.azure.metricValues.filter((v) => Date.parse(v.timestamp) >= horizon);
    this.azure.metricValues.splice(0, this.azure.metricValues.length, ...keep);
    const rows = this.rows.filter((r) => Date.parse(r.Minute as string) >= horizon);
    this.rows.splice(0, this.rows.length, ...rows);
    this.publishLogs();
  }

  private recordMinute(minute: number): void {
    const at = new Date(minute + 30_000).toISOString();
    const index = Math.round(minute / 60_000);
    for (const d of this.deployments) {
      const c = this.effective(d.name, minute);
      // +-5 % periodic swing, so the series are not flat lines.
      const requests = Math.round(d.requestsPerMinute * (1 + 0.05 * Math.sin(index / 7)));
      const throttled = Math.round(requests * c.throttledShare);
      const failed = Math.round((requests - throttled) * c.serverErrorShare);
      const ok = requests - throttled - failed;
      const value = (metric: string, dims: Record<string, string>, v: { total?: number; average?: number }): FakeMetricValue => ({
        resourceId: d.accountResourceId,
        metric,
        dimensions: { ModelDeploymentName: d.name, ...dims },
        timestamp: at,
        ...v,
      });
      const out: FakeMetricValue[] = [];
      if (ok > 0) out.push(value("AzureOpenAIRequests", { StatusCode: "200" }, { total: ok }));
      if (throttled > 0) out.push(value("AzureOpenAIRequests", { StatusCode: "429" }, { total: throttled }));
      if (failed > 0) out.push(value("AzureOpenAIRequests", { StatusCode: "503" }, { total: failed }));
      out.push(value("ProcessedPromptTokens", {}, { total: ok * d.promptTokensPerRequest }));
      out.push(value("GeneratedTokens", {}, { total: ok * d.completionTokensPerRequest }));
      out.push(value("AzureOpenAITimeToResponse", {}, { average: Math.round(d.p99Ms * 0.35 * c.latencyFactor) }));
      out.push(value("AzureOpenAIAvailabilityRate", {}, { average: requests > 0 ? (100 * (requests - failed)) / requests : 100 }));
      this.azure.metricValues.push(...out);
      this.rows.push({
        // The poller's query groups by account (_ResourceId) and deployment.
        Account: d.accountResourceId.toLowerCase(),
        Deployment: d.name,
        Minute: new Date(minute).toISOString(),
        Requests: requests,
        Throttled: throttled,
        ServerErrors: failed,
        P50: Math.round(d.p99Ms * 0.3 * c.latencyFactor),
        P95: Math.round(d.p99Ms * 0.7 * c.latencyFactor),
        P99: Math.round(d.p99Ms * c.latencyFactor),
      });
    }
  }

  private publishLogs(): void {
    const tables = new Map();
    tables.set("AzureDiagnostics", {
      tables: [
        {
          name: "PrimaryResult",
          columns: DEPLOYMENT_LATENCY_COLUMNS,
          rows: this.rows.map((r) => [r.Account, r.Deployment, r.Minute, r.Requests, r.Throttled, r.ServerErrors, r.P50, r.P95, r.P99]),
        },
      ],
    });
    tables.set("AppRequests", { tables: [{ name: "PrimaryResult", columns: [], rows: [] }] });
    this.azure.logs.set(this.workspaceId, tables);
  }
}
