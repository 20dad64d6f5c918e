/**
 * The Azure SDK clients, built once per container from the service principal: ClientSecretCredential
 * (@azure/identity), MetricsClient per region (@azure/monitor-query-metrics, metrics:getBatch),
 * LogsQueryClient (@azure/monitor-query-logs, queryWorkspace only: the batch API returns results
 * out of order) and CognitiveServicesManagementClient per subscription (deployments and quotas).
 */
import type { CognitiveServicesManagementClient } from "@azure/arm-cognitiveservices";
import type { TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { ClientSecretCredential } from "@azure/identity";
import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import { MetricsClient } from "@azure/monitor-query-metrics";
import type { Endpoints } from "../../../core/contracts/azure-openai-poller-settings";
import { cognitiveServicesClients } from "../../shared/azure/cognitive-services";
import type { ServicePrincipal } from "../../shared/azure/service-principal";
import { defaultScope } from "../../shared/azure/token-scope";
import { perKey } from "../../shared/per-key";
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

function metricName(id: string | undefined, name: string): string {
  // The SDK returns the *localized* display name ("Azure OpenAI Requests"); the id ends in the real one.
  const fromId = id?.split("/").pop();
  return fromId && fromId.length > 0 ? fromId : name;
}

export class AzureMetricsReader implements MetricsReader {
  /** One client per region (the metrics batch endpoint is regional). */
  private readonly client: (region: string) => MetricsClient;
  constructor(credential: TokenCredential, opts: AzureClientOptions) {
    this.client = perKey(
      (region) =>
        new MetricsClient(opts.endpoints.metrics.replace("{region}", region), credential, {
          credentials: { scopes: [defaultScope(opts.endpoints.metricsAudience)] },
          ...common(opts),
        }),
    );
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
  /** One client per subscription. */
  private readonly client: (subscriptionId: string) => CognitiveServicesManagementClient;
  constructor(credential: TokenCredential, opts: AzureClientOptions) {
    this.client = cognitiveServicesClients(
      credential,
      { endpoint: opts.endpoints.resourceManager, audience: opts.endpoints.resourceManagerAudience },
      common(opts),
    );
  }

  async list(accountResourceId: string): Promise<DeploymentDescription[]> {
    const id = parseResourceId(accountResourceId);
    const client = this.client(id.subscriptionId);
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
