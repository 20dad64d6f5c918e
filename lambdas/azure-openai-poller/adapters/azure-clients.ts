/**
 * The Azure SDK clients, built once per container from the service principal: ClientSecretCredential
 * (@azure/identity), MetricsClient per region (@azure/monitor-query-metrics, metrics:getBatch),
 * LogsQueryClient (@azure/monitor-query-logs, queryWorkspace only: the batch API returns results
 * out of order) and CognitiveServicesManagementClient per subscription (deployments and quotas).
 */
import { CognitiveServicesManagementClient } from "@azure/arm-cognitiveservices";
import type { TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { ClientSecretCredential } from "@azure/identity";
import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import { MetricsClient } from "@azure/monitor-query-metrics";
import type { Endpoints } from "../../../core/contracts/azure-openai-poller-settings";
import { parseResourceId } from "../batching";
import type {
  DeploymentsReader,
  LogsReader,
  LogsResult,
  MetricError,
  MetricSeries,
  MetricsAnswer,
  MetricsQuery,
  MetricsReader,
} from "../ports";
import type { DeploymentDescription } from "../quota";
import type { ServicePrincipal } from "./secret";

export interface AzureClientOptions {
  readonly endpoints: Endpoints;
  readonly retry: PipelinePolicy;
  /** Extra CA (PEM) to trust: only for local test servers. */
  readonly ca?: string;
  /** Per-request timeout. */
  readonly requestTimeoutMs?: number;
}

function common(opts: AzureClientOptions) {
  return {
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [{ policy: opts.retry, position: "perCall" as const }],
    ...(opts.ca ? { tlsOptions: { ca: opts.ca } } : {}),
  };
}

export function servicePrincipalCredential(sp: ServicePrincipal, opts: AzureClientOptions): TokenCredential {
  return new ClientSecretCredential(sp.tenantId, sp.clientId, sp.clientSecret, {
    authorityHost: opts.endpoints.authorityHost,
    // The authority comes from our own configuration; skip the instance-discovery round trip.
    disableInstanceDiscovery: true,
    ...(opts.ca ? { tlsOptions: { ca: opts.ca } } : {}),
  });
}

function defaultScope(audience: string): string {
  return `${audience.replace(/\/$/, "")}/.default`;
}

function metricName(id: string | undefined, name: string): string {
  // The SDK returns the *localized* display name ("Azure OpenAI Requests"); the id ends in the real one.
  const fromId = id?.split("/").pop();
  return fromId && fromId.length > 0 ? fromId : name;
}

export class AzureMetricsReader implements MetricsReader {
  private readonly clients = new Map<string, MetricsClient>();
  constructor(
    private readonly credential: TokenCredential,
    private readonly opts: AzureClientOptions,
  ) {}

  private client(region: string): MetricsClient {
    let c = this.clients.get(region);
    if (!c) {
      c = new MetricsClient(this.opts.endpoints.metrics.replace("{region}", region), this.credential, {
        // Explicit scopes: the SDK appends "/.default" only to its built-in default audience.
        credentials: { scopes: [defaultScope(this.opts.endpoints.metricsAudience)] },
        ...common(this.opts),
      });
      this.clients.set(region, c);
    }
    return c;
  }

  async query(q: MetricsQuery): Promise<MetricsAnswer> {
    const results = await this.client(q.batch.region).queryResources([...q.batch.resourceIds], [...q.metricNames], q.batch.namespace, {
      startTime: q.start,
      endTime: q.end,
      interval: "PT1M",
      aggregation: q.aggregation,
      filter: q.filter,
      // Rows per resource: deployments x status codes can exceed the default of 10.
      top: 500,
    });
    const out: MetricSeries[] = [];
    const errors: MetricError[] = [];
    for (const r of results) {
      for (const m of r.metrics ?? []) {
        const metric = metricName(m.id, String(m.name));
        // A per-metric error costs that metric only; the call's other metrics are good.
        if (m.errorCode && m.errorCode !== "Success") {
          errors.push({ resourceId: r.resourceId ?? "", metric, code: m.errorCode, message: m.errorMessage ?? "" });
          continue;
        }
        for (const ts of m.timeseries ?? []) {
          const dimensions: Record<string, string> = {};
          for (const md of ts.metadatavalues ?? []) if (md.name) dimensions[String(md.name).toLowerCase()] = md.value ?? "";
          out.push({
            resourceId: r.resourceId ?? "",
            metric,
            dimensions,
            points: (ts.data ?? []).map((p) => ({
              timestamp: p.timeStamp.getTime(),
              total: p.total,
              average: p.average,
              maximum: p.maximum,
              count: p.count,
            })),
          });
        }
      }
    }
    return { series: out, errors };
  }
}

export class AzureLogsReader implements LogsReader {
  private readonly client: LogsQueryClient;
  constructor(credential: TokenCredential, opts: AzureClientOptions) {
    this.client = new LogsQueryClient(credential, {
      endpoint: opts.endpoints.logs.replace(/\/$/, ""),
      credentials: { scopes: [defaultScope(opts.endpoints.logsAudience)] },
      ...common(opts),
    });
  }

  async query(workspaceId: string, kql: string, start: Date, end: Date): Promise<LogsResult> {
    const result = await this.client.queryWorkspace(workspaceId, kql, { startTime: start, endTime: end }, { serverTimeoutInSeconds: 30 });
    const tables = result.status === LogsQueryResultStatus.Success ? result.tables : result.partialTables;
    const rows: Record<string, unknown>[] = [];
    for (const t of tables) {
      const names = t.columnDescriptors.map((c) => c.name ?? "");
      for (const row of t.rows) rows.push(Object.fromEntries(names.map((n, i) => [n, row[i]])));
    }
    if (result.status === LogsQueryResultStatus.PartialFailure) {
      return { rows, partialError: `${result.partialError.code ?? ""} ${result.partialError.message ?? ""}`.trim() };
    }
    return { rows };
  }
}

export class ArmDeploymentsReader implements DeploymentsReader {
  private readonly clients = new Map<string, CognitiveServicesManagementClient>();
  constructor(
    private readonly credential: TokenCredential,
    private readonly opts: AzureClientOptions,
  ) {}

  async list(accountResourceId: string): Promise<DeploymentDescription[]> {
    const id = parseResourceId(accountResourceId);
    let client = this.clients.get(id.subscriptionId);
    if (!client) {
      client = new CognitiveServicesManagementClient(this.credential, id.subscriptionId, {
        endpoint: this.opts.endpoints.resourceManager,
        credentialScopes: [defaultScope(this.opts.endpoints.resourceManagerAudience ?? this.opts.endpoints.resourceManager)],
        ...common(this.opts),
      });
      this.clients.set(id.subscriptionId, client);
    }
    const out: DeploymentDescription[] = [];
    for await (const d of client.deployments.list(id.resourceGroup, id.name)) {
      if (!d.name) continue;
      out.push({
        name: d.name,
        skuName: d.sku?.name,
        capacity: d.sku?.capacity,
        rateLimits: d.properties?.rateLimits?.map((r) => ({ key: r.key, renewalPeriod: r.renewalPeriod, count: r.count })),
      });
    }
    return out;
  }
}
