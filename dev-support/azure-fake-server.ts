/**
 * A local HTTPS stand-in for the Azure endpoints the azure-openai-poller calls, speaking their
 * documented wire shapes so the real SDK clients can be pointed at it:
 *   - Entra ID: OpenID metadata and the v2.0 token endpoint (dev-support/entra-id-fake.ts)
 *   - Azure Monitor metrics:getBatch (POST /subscriptions/{sub}/metrics:getBatch)
 *   - Log Analytics query API (POST /v1/workspaces/{id}/query)
 *   - ARM Cognitive Services deployments list
 * It enforces what the services enforce and a poller could get wrong: bearer tokens for the right
 * audience, HTTPS, at most 50 resources per getBatch call, all in the path's subscription, of the
 * requested namespace and in the endpoint's region; each metric's supported aggregations and
 * dimensions (400 otherwise) and the deployment types it exists for; per-metric errorCode;
 * 401 without Monitoring Reader on the subscription, 403 when Microsoft.Insights is not registered;
 * api-version present, the /v1 Logs path, unknown tables (SemanticError), role assignments.
 * The rules and answers come from Microsoft's published reference and examples, kept with their
 * origin in dev-support/azure-fixtures/ (see ORIGINS.md there).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import supportedMetrics from "./azure-fixtures/cognitive-services-metrics.json" with { type: "json" };
import logsErrors from "./azure-fixtures/logs-query-errors.json" with { type: "json" };
import metricBatchErrors from "./azure-fixtures/metric-batch-errors.json" with { type: "json" };
import { EntraIdFake, entraRouteOf, type FakeServicePrincipal } from "./entra-id-fake";
import { testCertificate } from "./tls";

/** One row of the supported-metrics reference (the fixture's shape). */
type SupportedMetric = (typeof supportedMetrics.metrics)[keyof typeof supportedMetrics.metrics];
/** Microsoft.CognitiveServices/accounts metrics as the supported-metrics reference lists them. */
export const SUPPORTED_METRICS = supportedMetrics.metrics as Readonly<Record<string, SupportedMetric>>;

/** Deployment type of an ARM sku name, as the monitoring reference groups availability. */
function deploymentTypeOf(skuName: string): string {
  if (/provisioned/i.test(skuName)) return "provisioned";
  if (/batch/i.test(skuName)) return "batch";
  return "standard";
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? `{${k}}`);
}

export const METRICS_AUDIENCE = "https://metrics.monitor.azure.com";
export const LOGS_AUDIENCE = "https://api.loganalytics.io";
export const ARM_AUDIENCE = "https://management.azure.com";

/** One stored metric value: the fake aggregates these per minute and per requested dimension. */
export interface FakeMetricValue {
  readonly resourceId: string;
  readonly metric: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Any instant inside the minute. */
  readonly timestamp: string;
  readonly total?: number;
  readonly average?: number;
}

export interface FakeDeployment {
  readonly name: string;
  readonly model: string;
  readonly sku: { name: string; capacity: number };
  readonly rateLimits?: readonly { key: string; renewalPeriod: number; count: number }[];
}

export interface FakeLogsTable {
  readonly name?: string;
  readonly columns: readonly { name: string; type: string }[];
  readonly rows: readonly unknown[][];
}

export interface FakeLogsAnswer {
  readonly tables: readonly FakeLogsTable[];
  /** Present on a partial result: HTTP 200 with tables *and* an error object. */
  readonly error?: { code: string; message: string; details?: unknown[] };
}

export interface FakeFault {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export type FakeRoute = "token" | "metrics" | "logs" | "deployments";

export interface RecordedRequest {
  readonly route: FakeRoute | "openid" | "unknown";
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
  readonly status: number;
}

const LOG_TABLES = ["AzureDiagnostics", "AppRequests"];

const columnsOf = (types: Readonly<Record<string, string>>): FakeLogsTable["columns"] =>
  Object.entries(types).map(([name, type]) => ({ name, type }));

/*
 * The result columns of the poller's two queries (lambdas/azure-openai-poller/kql.ts), typed as
 * the KQL analyser types them (test/azure-openai/units.test.ts). The fake does not run KQL:
 * whoever seeds `logs` answers in these shapes.
 */
/** deploymentLatencyQuery over AzureDiagnostics (DurationMs is a long there). */
export const DEPLOYMENT_LATENCY_COLUMNS = columnsOf({
  Account: "string",
  Deployment: "string",
  Minute: "datetime",
  Requests: "long",
  Throttled: "long",
  ServerErrors: "long",
  P50: "long",
  P95: "long",
  P99: "long",
});
/** appRoleLatencyQuery over AppRequests (DurationMs is a real there). */
export const APP_ROLE_LATENCY_COLUMNS = columnsOf({
  AppRoleName: "string",
  Minute: "datetime",
  Requests: "long",
  Throttled: "long",
  Failed: "long",
  P50: "real",
  P95: "real",
  P99: "real",
});

/** Marks a request as answered (every handler path ends in exactly one reply). */
type Handled = true;
type Reply = (status: number, payload: unknown, headers?: Record<string, string>) => Handled;

export class AzureFakeServer {
  readonly requests: RecordedRequest[] = [];
  readonly metricValues: FakeMetricValue[] = [];
  /** account resource id (lower case) -> deployments */
  readonly deployments = new Map<string, FakeDeployment[]>();
  /** workspace id -> table -> answer */
  readonly logs = new Map<string, Map<string, FakeLogsAnswer>>();
  /** Subscriptions where the service principal has no role assignment (metrics 401, ARM/Logs 403 AuthorizationFailed). */
  readonly deniedSubscriptions = new Set<string>();
  /** Subscriptions not registered for Microsoft.Insights (getBatch answers 403). */
  readonly unregisteredSubscriptions = new Set<string>();
  /** Region of each account (lower-case resource id); getBatch checks the endpoint's region. */
  readonly accountRegions = new Map<string, string>();
  /** Per-metric errors to answer inside a 200 (metric name -> errorCode/errorMessage). */
  readonly metricErrors = new Map<string, { code: string; message: string }>();
  /** workspace id -> tables that do not exist there (a fresh workspace before its first logs). */
  readonly missingTables = new Map<string, Set<string>>();
  /** When set, the next getBatch is answered with this body verbatim (published example replay). */
  rawMetricsAnswer?: unknown;
  private readonly faults = new Map<FakeRoute, FakeFault[]>();
  private server?: Server;
  baseUrl = "";

  private readonly entra: EntraIdFake;

  constructor(readonly principal: FakeServicePrincipal) {
    this.entra = new EntraIdFake({ principal });
  }

  async start(): Promise<this> {
    const { cert, key } = testCertificate();
    this.server = createServer({ cert, key }, (req, res) => {
      this.handle(req, res).catch((err) => this.send(res, 500, { error: { code: "InternalServerError", message: String(err) } }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The next requests to `route` get these responses, in order, before normal service resumes. */
  fail(route: FakeRoute, ...faults: FakeFault[]): void {
    this.faults.set(route, [...(this.faults.get(route) ?? []), ...faults]);
  }

  endpoints() {
    return {
      authorityHost: this.baseUrl,
      resourceManager: this.baseUrl,
      resourceManagerAudience: ARM_AUDIENCE,
      metrics: `${this.baseUrl}/metrics-{region}`,
      metricsAudience: METRICS_AUDIENCE,
      logs: `${this.baseUrl}/v1`,
      logsAudience: LOGS_AUDIENCE,
    };
  }

  countOf(route: RecordedRequest["route"]): number {
    return this.requests.filter((r) => r.route === route).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<Handled> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    const body = await readBody(req);
    const region = /^\/metrics-([a-z0-9]+)(?=\/subscriptions\/)/.exec(url.pathname)?.[1];
    const path = url.pathname.replace(/^\/metrics-[a-z0-9]+(?=\/subscriptions\/)/, "");
    const route = routeOf(req.method ?? "GET", path);
    const record = (status: number) =>
      this.requests.push({ route, method: req.method ?? "", path: url.pathname, query: url.searchParams, body, status });
    const reply: Reply = (status, payload, headers = {}) => {
      record(status);
      this.send(res, status, payload, headers);
      return true;
    };

    const tenant = path.split("/")[1] ?? "";
    if (route === "openid") {
      const answer = this.entra.openIdConfiguration(this.baseUrl, tenant);
      return reply(answer.status, answer.body);
    }
    if (route === "unknown") return reply(404, { error: { code: "NotFound", message: `no such route ${req.method} ${url.pathname}` } });

    const fault = this.faults.get(route)?.shift();
    if (fault) return reply(fault.status, fault.body ?? { error: { code: String(fault.status), message: "injected" } }, fault.headers);

    if (route === "token") {
      const answer = this.entra.token(tenant, body);
      return reply(answer.status, answer.body);
    }

    const audience = this.entra.audienceOf(req.headers.authorization);
    const expected = route === "metrics" ? METRICS_AUDIENCE : route === "logs" ? LOGS_AUDIENCE : ARM_AUDIENCE;
    if (audience === undefined) {
      return reply(
        401,
        { error: { code: "InvalidAuthenticationToken", message: "The access token is missing or invalid." } },
        { "www-authenticate": 'Bearer authorization_uri="x", error="invalid_token"' },
      );
    }
    if (audience !== expected) {
      return reply(401, {
        error: {
          code: "InvalidAuthenticationTokenAudience",
          message: `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences '${expected}'.`,
        },
      });
    }
    if (route === "metrics") return this.metrics(path, url.searchParams, body, reply, region);
    if (route === "logs") return this.logsQuery(path, body, reply);
    return this.deploymentsList(path, url.searchParams, reply);
  }

  private denied(subscriptionId: string, action: string, scope: string, reply: Reply): boolean {
    if (!this.deniedSubscriptions.has(subscriptionId.toLowerCase())) return false;
    reply(403, {
      error: {
        code: "AuthorizationFailed",
        message: `The client '${this.principal.clientId}' with object id '${randomUUID()}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      },
    });
    return true;
  }

  private metrics(path: string, q: URLSearchParams, body: string, reply: Reply, region: string | undefined): Handled {
    const bad = (message: string) => reply(400, { error: { code: "BadRequest", message } });
    const errorFrom = (e: { status: number; error: { code: string; message: string } }, values: Record<string, string>) =>
      reply(e.status, { error: { code: e.error.code, message: fill(e.error.message, values) } });
    const sub = /^\/subscriptions\/([^/]+)\/metrics:getBatch$/.exec(path)?.[1];
    if (!sub) return bad("unexpected path");
    if (!q.get("api-version")) return bad("The api-version query parameter (?api-version=) is required for all requests.");
    const namespace = q.get("metricnamespace");
    const names = (q.get("metricnames") ?? "").split(",").filter(Boolean);
    if (!namespace) return bad("metricnamespace is required");
    if (names.length === 0 || names.length > 20) return bad(`between 1 and 20 metric names are allowed, got ${names.length}`);
    let ids: string[];
    try {
      ids = (JSON.parse(body) as { resourceids?: string[] }).resourceids ?? [];
    } catch {
      return bad("body must be JSON {resourceids: [...]}");
    }
    if (ids.length === 0 || ids.length > 50) return bad(`resourceids must contain between 1 and 50 resource ids, got ${ids.length}`);
    for (const id of ids)
      if (!id.toLowerCase().startsWith(`/subscriptions/${sub.toLowerCase()}/`)) return bad(`resource ${id} is not in subscription ${sub}`);
    // Same resource type and region for the whole batch (migrate-to-batch-api, "Batching restrictions").
    for (const id of ids) {
      const type = /\/providers\/([^/]+\/[^/]+)\/[^/]+$/i.exec(id)?.[1] ?? "";
      if (type.toLowerCase() !== namespace.toLowerCase()) return errorFrom(metricBatchErrors.wrongNamespace, { resourceId: id, namespace });
      const actual = this.accountRegions.get(id.toLowerCase());
      if (region && actual && actual !== region) return errorFrom(metricBatchErrors.wrongRegion, { resourceId: id, actual, region });
    }
    if (this.deniedSubscriptions.has(sub.toLowerCase()))
      return errorFrom(metricBatchErrors.noMonitoringReaderOnSubscription, { clientId: this.principal.clientId, subscriptionId: sub });
    if (this.unregisteredSubscriptions.has(sub.toLowerCase()))
      return errorFrom(metricBatchErrors.providerNotRegistered, { subscriptionId: sub });
    if (this.rawMetricsAnswer !== undefined) {
      const raw = this.rawMetricsAnswer;
      this.rawMetricsAnswer = undefined;
      return reply(200, raw);
    }
    const start = Date.parse(q.get("starttime") ?? "");
    const end = Date.parse(q.get("endtime") ?? "");
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start)
      return bad("starttime and endtime must be ISO 8601 with starttime < endtime");
    if (q.get("interval") !== "PT1M") return bad("this fake serves interval PT1M only");
    const aggregations = (q.get("aggregation") ?? "average").toLowerCase().split(",");
    const splitBy = [...(q.get("filter") ?? "").matchAll(/(\w+) eq '\*'/g)].map((m) => m[1] as string);
    // Every metric must support every requested aggregation and dimension, or the call is a 400.
    for (const name of names) {
      const spec = SUPPORTED_METRICS[name];
      if (!spec) return errorFrom(metricBatchErrors.unknownMetric, { namespace, resourceId: ids[0] ?? "", metric: name });
      for (const a of aggregations)
        if (!spec.aggregations.some((x) => x.toLowerCase() === a))
          return errorFrom(metricBatchErrors.unsupportedAggregation, { metric: name, aggregation: a });
      for (const d of splitBy)
        if (!spec.dimensions.some((x) => x.toLowerCase() === d.toLowerCase()))
          return errorFrom(metricBatchErrors.unsupportedDimension, { metric: name, dimension: d });
    }
    const split = splitBy.map((d) => d.toLowerCase());
    const minutes: number[] = [];
    for (let t = Math.floor(start / 60_000) * 60_000; t < end; t += 60_000) minutes.push(t);

    const values = ids.map((resourceid) => ({
      starttime: new Date(start).toISOString(),
      endtime: new Date(end).toISOString(),
      interval: "PT1M",
      namespace: namespace.toLowerCase(),
      resourceregion: this.accountRegions.get(resourceid.toLowerCase()) ?? region ?? "unknown",
      resourceid,
      value: names.map((name) => {
        const spec = SUPPORTED_METRICS[name] as SupportedMetric;
        const base = {
          id: `${resourceid}/providers/Microsoft.Insights/metrics/${name}`,
          type: "Microsoft.Insights/metrics",
          name: { value: name, localizedValue: spec.displayName },
          displayDescription: spec.displayName,
          unit: spec.unit,
        };
        const injected = this.metricErrors.get(name);
        if (injected) return { ...base, timeseries: [], errorCode: injected.code, errorMessage: injected.message };
        const skuOf = (deployment: string) =>
          this.deployments.get(resourceid.toLowerCase())?.find((d) => d.name === deployment)?.sku.name ?? "Standard";
        const stored = this.metricValues.filter(
          (v) =>
            v.resourceId.toLowerCase() === resourceid.toLowerCase() &&
            v.metric === name &&
            // A metric exists only for the deployment types the reference lists (e.g. no Time to Response on Standard).
            spec.deploymentTypes.includes(deploymentTypeOf(skuOf(v.dimensions.ModelDeploymentName ?? ""))),
        );
        const series = new Map<string, { dims: Record<string, string>; byMinute: Map<number, FakeMetricValue[]> }>();
        for (const v of stored) {
          const t = Math.floor(Date.parse(v.timestamp) / 60_000) * 60_000;
          if (t < minutes[0]! || t > minutes[minutes.length - 1]!) continue;
          const dims: Record<string, string> = {};
          for (const d of split) dims[d] = Object.entries(v.dimensions).find(([k]) => k.toLowerCase() === d)?.[1] ?? "";
          const key = JSON.stringify(dims);
          const s = series.get(key) ?? { dims, byMinute: new Map() };
          s.byMinute.set(t, [...(s.byMinute.get(t) ?? []), v]);
          series.set(key, s);
        }
        return {
          ...base,
          timeseries: [...series.values()].map((s) => ({
            metadatavalues: Object.entries(s.dims).map(([k, v]) => ({ name: { value: k, localizedValue: k }, value: v })),
            // Azure lists every minute of the range; minutes without a value carry only the timestamp.
            data: minutes.map((t) => {
              const vs = s.byMinute.get(t);
              const point: Record<string, unknown> = { timeStamp: new Date(t).toISOString() };
              if (vs?.length) {
                const totals = vs.map((v) => v.total).filter((x): x is number => x !== undefined);
                const avgs = vs.map((v) => v.average).filter((x): x is number => x !== undefined);
                if (aggregations.includes("total") && totals.length) point.total = totals.reduce((a, b) => a + b, 0);
                if (aggregations.includes("average") && avgs.length) point.average = avgs.reduce((a, b) => a + b, 0) / avgs.length;
                if (aggregations.includes("count")) point.count = vs.length;
              }
              return point;
            }),
          })),
          errorCode: "Success",
        };
      }),
    }));
    return reply(200, { values });
  }

  private logsQuery(path: string, body: string, reply: Reply): Handled {
    const ws = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(path)?.[1];
    if (!ws) return reply(404, { error: { code: "PathNotFoundError", message: `The requested path does not exist: ${path}` } });
    let parsed: { query?: string; timespan?: string };
    try {
      parsed = JSON.parse(body);
    } catch {
      return reply(400, { error: { code: "BadArgumentError", message: "The request had some invalid properties" } });
    }
    if (!parsed.query)
      return reply(400, {
        error: {
          code: "BadArgumentError",
          message: "The request had some invalid properties",
          details: [{ code: "QueryValidationError", message: "Query is missing" }],
        },
      });
    const tables = this.logs.get(ws);
    if (!tables) return reply(404, { error: { code: "WorkspaceNotFoundError", message: `The workspace could not be found: ${ws}` } });
    const table = LOG_TABLES.find((t) => parsed.query?.trimStart().startsWith(t));
    // A table that does not exist in the workspace (yet) fails semantic validation.
    const missing =
      table && this.missingTables.get(ws)?.has(table) ? table : table ? undefined : (parsed.query.trim().split(/\W/)[0] ?? "");
    if (missing !== undefined) {
      const e = logsErrors.unknownTable;
      return reply(e.status, { error: JSON.parse(JSON.stringify(e.error).replaceAll("{table}", missing)) });
    }
    const answer = tables.get(table as string) ?? { tables: [{ name: "PrimaryResult", columns: [], rows: [] }] };
    return reply(200, {
      tables: answer.tables.map((t) => ({ name: t.name ?? "PrimaryResult", columns: t.columns, rows: t.rows })),
      ...(answer.error ? { error: answer.error } : {}),
    });
  }

  private deploymentsList(path: string, q: URLSearchParams, reply: Reply): Handled {
    const m =
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.CognitiveServices\/accounts\/([^/]+)\/deployments$/i.exec(
        path,
      );
    if (!m) return reply(404, { error: { code: "InvalidResourceType", message: "The resource type could not be found." } });
    if (!q.get("api-version"))
      return reply(400, {
        error: {
          code: "MissingApiVersionParameter",
          message: "The api-version query parameter (?api-version=) is required for all requests.",
        },
      });
    const [, sub, rg, account] = m as unknown as [string, string, string, string];
    const accountId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.CognitiveServices/accounts/${account}`;
    if (this.denied(sub, "Microsoft.CognitiveServices/accounts/deployments/read", accountId, reply)) return true;
    const list = this.deployments.get(accountId.toLowerCase());
    if (!list)
      return reply(404, {
        error: {
          code: "ResourceNotFound",
          message: `The Resource 'Microsoft.CognitiveServices/accounts/${account}' under resource group '${rg}' was not found.`,
        },
      });
    return reply(200, {
      value: list.map((d) => ({
        id: `${accountId}/deployments/${d.name}`,
        name: d.name,
        type: "Microsoft.CognitiveServices/accounts/deployments",
        sku: d.sku,
        properties: {
          model: { format: "OpenAI", name: d.model, version: "2024-11-20" },
          versionUpgradeOption: "OnceNewDefaultVersionAvailable",
          capabilities: { chatCompletion: "true" },
          provisioningState: "Succeeded",
          ...(d.rateLimits ? { rateLimits: d.rateLimits } : {}),
        },
      })),
    });
  }

  private send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(payload);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-ms-request-id": randomUUID(), ...headers });
    res.end(text);
  }
}

function routeOf(method: string, path: string): RecordedRequest["route"] {
  const entra = entraRouteOf(method, path);
  if (entra) return entra.route;
  if (method === "POST" && /\/metrics:getBatch$/.test(path)) return "metrics";
  if (method === "POST" && path.startsWith("/v1/workspaces/")) return "logs";
  if (method === "GET" && /\/providers\/Microsoft\.CognitiveServices\/accounts\/[^/]+\/deployments$/i.test(path)) return "deployments";
  return "unknown";
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
