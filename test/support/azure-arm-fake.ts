/**
 * A local HTTPS fake of the parts of Azure the Azure-side provisioner touches, speaking the
 * documented wire protocol so the real SDK clients (@azure/identity, @azure/arm-monitor 8,
 * @azure/arm-operationalinsights) can be pointed at it:
 *
 *  - Entra ID: OpenID metadata and the v2.0 token endpoint (dev-support/entra-id-fake.ts), issuing
 *    tokens for this cloud's ARM audience only;
 *  - ARM: diagnostic settings (2021-05-01-preview), action groups (2024-10-01-preview),
 *    scheduled query rules (2025-01-01-preview), Log Analytics workspaces (GET, 2022-10-01) and
 *    saved searches (2020-08-01).
 *
 * It enforces what ARM enforces and a provisioner could get wrong: a bearer token from the token
 * endpoint for the management audience, the api-version each operation is served at, existing
 * parent resources (404 otherwise), at most 5 diagnostic settings per resource and no category
 * sent to the same workspace by two settings, known log categories, an action group short name of
 * 1..12 characters with https webhooks, log alert rules whose scopes and action groups exist, a
 * severity 0..4, ISO durations with windowSize >= evaluationFrequency, and a measure column for
 * every aggregation but Count. Faults (429 with Retry-After, 403, 500) can be injected.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import clouds from "../../dev-support/azure-fixtures/entra-endpoints.json" with { type: "json" };
import logsErrors from "../../dev-support/azure-fixtures/logs-query-errors.json" with { type: "json" };
import { EntraIdFake, entraRouteOf, type FakeServicePrincipal } from "../../dev-support/entra-id-fake";
import { testCertificate } from "../../dev-support/tls";

/** Tables a log alert query can read; a query naming one the workspace lacks fails validation. */
const LOG_TABLES = ["AzureDiagnostics", "AzureMetrics", "AppRequests", "AppDependencies"];

export interface ArmFakeOptions {
  /** The service principal the provisioner signs in as (client credentials). */
  readonly principal: FakeServicePrincipal;
  /** Resource groups that exist: "/subscriptions/<s>/resourceGroups/<rg>". */
  readonly resourceGroups: readonly string[];
  /** Azure OpenAI accounts that exist (resource ids). */
  readonly accounts: readonly string[];
  /**
   * Log Analytics workspaces that exist, with their region and the tables that exist in them
   * (default: all). A fresh workspace has no AzureDiagnostics until the first logs land.
   */
  readonly workspaces: readonly { readonly resourceId: string; readonly location: string; readonly tables?: readonly string[] }[];
  /** Which Azure cloud this ARM is: the token endpoint issues tokens only for that cloud's ARM audience. */
  readonly cloud?: keyof typeof clouds.clouds;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly apiVersion: string | null;
  readonly body: unknown;
  readonly status: number;
}

export interface InjectedFault {
  readonly method?: string;
  /** Case-insensitive substring of the path. */
  readonly pathIncludes: string;
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers?: Record<string, string>;
  /** How many matching requests fail (default 1). */
  times?: number;
}

export const ARM_API_VERSIONS = {
  diagnosticSettings: "2021-05-01-preview",
  actionGroups: "2024-10-01-preview",
  scheduledQueryRules: "2025-01-01-preview",
  workspaces: "2022-10-01",
  savedSearches: "2020-08-01",
} as const;

/** Log categories of Microsoft.CognitiveServices/accounts (Azure Monitor supported-logs reference). */
const COGNITIVE_SERVICES_LOG_CATEGORIES = ["Audit", "RequestResponse", "Trace", "AzureOpenAIRequestUsage"];
const DURATIONS_MINUTES: Record<string, number> = {
  PT1M: 1,
  PT5M: 5,
  PT10M: 10,
  PT15M: 15,
  PT30M: 30,
  PT45M: 45,
  PT1H: 60,
  PT2H: 120,
  PT3H: 180,
  PT4H: 240,
  PT5H: 300,
  PT6H: 360,
  P1D: 1440,
  P2D: 2880,
};
const OPERATORS = ["Equals", "GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual"];
const AGGREGATIONS = ["Count", "Average", "Minimum", "Maximum", "Total"];

type Json = Record<string, unknown>;

export class AzureArmFake {
  readonly requests: RecordedRequest[] = [];
  /** Current state, keyed by lower-cased ARM id. */
  readonly diagnosticSettings = new Map<string, Json>();
  readonly actionGroups = new Map<string, Json>();
  readonly alertRules = new Map<string, Json>();
  readonly savedSearches = new Map<string, Json>();
  private readonly faults: InjectedFault[] = [];
  private readonly entra: EntraIdFake;
  /** The ARM audience of this fake's cloud (entra-endpoints.json): the only resource its Entra ID issues tokens for. */
  readonly armAudience: string;
  private server?: Server;
  private baseUrl = "";

  constructor(private readonly options: ArmFakeOptions) {
    // This cloud's Entra ID issues tokens for this cloud's ARM only.
    this.armAudience = clouds.clouds[options.cloud ?? "AzurePublicCloud"].arm;
    this.entra = new EntraIdFake({ principal: options.principal, resources: [this.armAudience] });
  }

  get url(): string {
    return this.baseUrl;
  }

  get ca(): string {
    return testCertificate().ca;
  }

  async start(): Promise<this> {
    const { cert, key } = testCertificate();
    this.server = createServer({ cert, key }, (req, res) => {
      this.handle(req, res).catch((error) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "InternalServerError", message: String(error) } }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  inject(fault: InjectedFault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Pre-existing resources that FleetWatch did not create (they must survive a delete). */
  seedDiagnosticSetting(accountResourceId: string, name: string, properties: Json): void {
    this.diagnosticSettings.set(`${accountResourceId}/providers/microsoft.insights/diagnosticsettings/${name}`.toLowerCase(), {
      name,
      properties,
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const method = req.method ?? "GET";
    const path = decodeURIComponent(url.pathname);
    let body: unknown = text;
    if ((req.headers["content-type"] ?? "").includes("json") && text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method, path, apiVersion: url.searchParams.get("api-version"), body, status });
      res.writeHead(status, { "content-type": "application/json", "x-ms-request-id": randomUUID(), ...headers });
      res.end(payload === undefined ? "" : JSON.stringify(payload));
    };
    const armError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
      reply(status, { error: { code, message } }, headers);

    // ---- Entra ID ----
    const entra = entraRouteOf(method, path);
    if (entra) {
      const answer =
        entra.route === "openid" ? this.entra.openIdConfiguration(this.baseUrl, entra.tenant) : this.entra.token(entra.tenant, text);
      return reply(answer.status, answer.body);
    }

    // ---- ARM ----
    if (this.entra.audienceOf(req.headers.authorization) !== this.armAudience) {
      return armError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or invalid.", {
        "www-authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/", error="invalid_token"',
      });
    }
    const fault = this.faults.find(
      (f) => (f.times ?? 0) > 0 && (!f.method || f.method === method) && path.toLowerCase().includes(f.pathIncludes.toLowerCase()),
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      return armError(fault.status, fault.code, fault.message, fault.headers);
    }
    const apiVersion = url.searchParams.get("api-version");
    if (!apiVersion)
      return armError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
    const lower = path.toLowerCase();
    const props = ((body as Json)?.properties ?? {}) as Json;
    /** Replies 400 and returns true when the operation is not served at this api-version. */
    const wrongVersion = (expected: string): boolean => {
      if (apiVersion === expected) return false;
      armError(
        400,
        "NoRegisteredProviderFound",
        `No registered resource provider found for API version '${apiVersion}' (this fake serves ${expected}).`,
      );
      return true;
    };

    /** Answers DELETE and GET of a stored resource and 405 for anything but PUT; true when it answered. */
    const readOrDelete = (store: Map<string, Json>, what: string): boolean => {
      if (method === "PUT") return false;
      if (method === "DELETE") reply(store.delete(lower) ? 200 : 204, undefined);
      else if (method === "GET") {
        const found = store.get(lower);
        if (found) reply(200, found);
        else armError(404, "ResourceNotFound", `${what} not found.`);
      } else armError(405, "MethodNotAllowed", method);
      return true;
    };

    // Diagnostic settings list: {resourceUri}/providers/Microsoft.Insights/diagnosticSettings
    const diagList = /^(\/subscriptions\/.+)\/providers\/microsoft\.insights\/diagnosticsettings$/.exec(lower);
    if (diagList?.[1] && method === "GET") {
      if (wrongVersion(ARM_API_VERSIONS.diagnosticSettings)) return;
      const resource = diagList[1];
      if (!this.options.accounts.some((a) => a.toLowerCase() === resource))
        return armError(404, "ResourceNotFound", `The Resource '${resource}' was not found.`);
      const value = [...this.diagnosticSettings.entries()]
        .filter(([k]) => k.startsWith(`${resource}/providers/microsoft.insights/diagnosticsettings/`))
        .map(([k, v]) => ({ id: k, type: "Microsoft.Insights/diagnosticSettings", name: v.name, properties: v.properties }));
      return reply(200, { value });
    }
    // Diagnostic settings: {resourceUri}/providers/Microsoft.Insights/diagnosticSettings/{name}
    const diag = /^(\/subscriptions\/.+)\/providers\/microsoft\.insights\/diagnosticsettings\/([^/]+)$/.exec(lower);
    if (diag?.[1] && diag[2]) {
      if (wrongVersion(ARM_API_VERSIONS.diagnosticSettings)) return;
      const [, resource, name] = diag;
      const id = lower;
      if (!this.options.accounts.some((a) => a.toLowerCase() === resource))
        return armError(404, "ResourceNotFound", `The Resource '${resource}' was not found.`);
      if (method === "DELETE") {
        const existed = this.diagnosticSettings.delete(id);
        return reply(existed ? 200 : 204, undefined);
      }
      if (method === "GET") {
        const s = this.diagnosticSettings.get(id);
        return s ? reply(200, { id: path, ...s }) : armError(404, "ResourceNotFound", `Diagnostic setting ${name} not found.`);
      }
      if (method !== "PUT") return armError(405, "MethodNotAllowed", method);
      const workspaceId = String(props.workspaceId ?? "").toLowerCase();
      if (!this.options.workspaces.some((w) => w.resourceId.toLowerCase() === workspaceId))
        return armError(400, "LinkedInvalidPropertyId", `Property id '${props.workspaceId}' at path 'properties.workspaceId' is invalid.`);
      const logs = (props.logs ?? []) as { category?: string; enabled?: boolean }[];
      for (const l of logs) {
        if (!l.category || !COGNITIVE_SERVICES_LOG_CATEGORIES.includes(l.category))
          return armError(400, "BadRequest", `Category '${l.category}' is not supported.`);
      }
      const siblings = [...this.diagnosticSettings.entries()].filter(
        ([k]) => k.startsWith(`${resource}/providers/microsoft.insights/diagnosticsettings/`) && k !== id,
      );
      if (!this.diagnosticSettings.has(id) && siblings.length >= 5)
        return armError(400, "BadRequest", "Diagnostic settings does not support more than 5 diagnostic settings per resource.");
      for (const [, other] of siblings) {
        const o = other.properties as Json;
        if (String(o.workspaceId ?? "").toLowerCase() !== workspaceId) continue;
        const taken = ((o.logs ?? []) as { category?: string; enabled?: boolean }[]).filter((x) => x.enabled).map((x) => x.category);
        const clash = logs.find((l) => l.enabled && taken.includes(l.category));
        if (clash)
          return armError(
            409,
            "Conflict",
            `Data sink '${props.workspaceId}' is already used in diagnostic setting '${other.name}' for category '${clash.category}'. Data sinks can't be reused in different settings on the same category for the same resource.`,
          );
      }
      // The service answers 200 to both create and update of a diagnostic setting.
      this.diagnosticSettings.set(id, { name: diag[2], properties: props });
      return reply(200, { id: path, name: diag[2], type: "Microsoft.Insights/diagnosticSettings", properties: props });
    }

    const rgMatch = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/(.+)$/.exec(lower);
    if (!rgMatch) return armError(404, "InvalidResourceType", `The resource type could not be found for ${path}.`);
    const rgId = `/subscriptions/${rgMatch[1]}/resourcegroups/${rgMatch[2]}`;
    if (!this.options.resourceGroups.some((r) => r.toLowerCase() === rgId))
      return armError(404, "ResourceGroupNotFound", `Resource group '${rgMatch[2]}' could not be found.`);
    const rest = rgMatch[3] ?? "";

    // Log Analytics workspaces and saved searches.
    const ws = /^microsoft\.operationalinsights\/workspaces\/([^/]+)(?:\/savedsearches\/([^/]+))?$/.exec(rest);
    if (ws) {
      const workspaceId = `${rgId}/providers/microsoft.operationalinsights/workspaces/${ws[1]}`;
      const workspace = this.options.workspaces.find((w) => w.resourceId.toLowerCase() === workspaceId);
      if (!ws[2]) {
        if (wrongVersion(ARM_API_VERSIONS.workspaces)) return;
        if (method !== "GET") return armError(405, "MethodNotAllowed", method);
        return workspace
          ? reply(200, { id: workspace.resourceId, name: ws[1], location: workspace.location, properties: { customerId: randomUUID() } })
          : armError(
              404,
              "ResourceNotFound",
              `The Resource 'Microsoft.OperationalInsights/workspaces/${ws[1]}' under resource group '${rgMatch[2]}' was not found.`,
            );
      }
      if (wrongVersion(ARM_API_VERSIONS.savedSearches)) return;
      if (!workspace)
        return armError(404, "ResourceNotFound", `The Resource 'Microsoft.OperationalInsights/workspaces/${ws[1]}' was not found.`);
      if (method === "DELETE") {
        this.savedSearches.delete(lower);
        return reply(200, undefined);
      }
      if (method === "GET") {
        const s = this.savedSearches.get(lower);
        return s ? reply(200, s) : armError(404, "ResourceNotFound", `Saved search ${ws[2]} not found.`);
      }
      if (method !== "PUT") return armError(405, "MethodNotAllowed", method);
      for (const field of ["category", "displayName", "query"]) {
        if (typeof props[field] !== "string" || (props[field] as string).length === 0)
          return armError(400, "BadRequest", `The saved search property '${field}' is required.`);
      }
      for (const [key, other] of this.savedSearches) {
        const o = other.properties as Json;
        if (key !== lower && key.startsWith(workspaceId) && o.category === props.category && o.displayName === props.displayName)
          return armError(
            409,
            "Conflict",
            `A saved search with category '${props.category}' and display name '${props.displayName}' already exists.`,
          );
      }
      const saved = { id: path, name: ws[2], etag: `W/"datetime'${new Date(0).toISOString()}'"`, properties: props };
      this.savedSearches.set(lower, saved);
      return reply(200, saved);
    }

    // Action groups.
    const ag = /^microsoft\.insights\/actiongroups\/([^/]+)$/.exec(rest);
    if (ag) {
      if (wrongVersion(ARM_API_VERSIONS.actionGroups) || readOrDelete(this.actionGroups, `Action group ${ag[1]}`)) return;
      const location = String((body as Json)?.location ?? "");
      if (!location) return armError(400, "LocationRequired", "The location property is required for this definition.");
      const shortName = String(props.groupShortName ?? "");
      if (shortName.length < 1 || shortName.length > 12)
        return armError(400, "BadRequest", `The groupShortName '${shortName}' must be between 1 and 12 characters.`);
      type Receiver = {
        name?: string;
        serviceUri?: string;
        useAadAuth?: boolean;
        objectId?: string;
        identifierUri?: string;
        tenantId?: string;
      };
      for (const w of (props.webhookReceivers ?? []) as Receiver[]) {
        if (!w.name || !/^https:\/\//.test(w.serviceUri ?? ""))
          return armError(400, "BadRequest", `Webhook receiver '${w.name}' has an invalid service uri '${w.serviceUri}'.`);
        // Secure webhook: the app registration Azure Monitor gets tokens for must be named
        // (action groups createOrUpdate, WebhookReceiver useAadAuth/objectId/identifierUri/tenantId).
        if (w.useAadAuth && (!w.objectId || !w.identifierUri || !w.tenantId))
          return armError(400, "BadRequest", `Webhook receiver '${w.name}' uses AAD auth but lacks objectId, identifierUri or tenantId.`);
      }
      const created = !this.actionGroups.has(lower);
      const group = {
        id: path,
        name: ag[1],
        location,
        type: "Microsoft.Insights/ActionGroups",
        tags: (body as Json).tags,
        properties: props,
      };
      this.actionGroups.set(lower, group);
      return reply(created ? 201 : 200, group);
    }

    // Scheduled query rules (log alerts v2).
    const sq = /^microsoft\.insights\/scheduledqueryrules\/([^/]+)$/.exec(rest);
    if (sq) {
      if (wrongVersion(ARM_API_VERSIONS.scheduledQueryRules) || readOrDelete(this.alertRules, `Scheduled query rule ${sq[1]}`)) return;
      const bad = (message: string) => armError(400, "BadRequest", message);
      const location = String((body as Json)?.location ?? "");
      if (!location) return bad("The location property is required.");
      const severity = props.severity;
      if (typeof severity !== "number" || !Number.isInteger(severity) || severity < 0 || severity > 4)
        return bad(`Severity '${severity}' must be 0..4.`);
      const frequency = DURATIONS_MINUTES[String(props.evaluationFrequency)];
      const window = DURATIONS_MINUTES[String(props.windowSize)];
      if (frequency === undefined) return bad(`Invalid evaluationFrequency '${props.evaluationFrequency}'.`);
      if (window === undefined) return bad(`Invalid windowSize '${props.windowSize}'.`);
      if (window < frequency) return bad("windowSize must be greater than or equal to evaluationFrequency.");
      const scopes = (props.scopes ?? []) as string[];
      if (scopes.length !== 1) return bad("Exactly one scope is supported for this rule.");
      const scopeWorkspace = this.options.workspaces.find((w) => w.resourceId.toLowerCase() === String(scopes[0]).toLowerCase());
      if (!scopeWorkspace) return bad(`Scope '${scopes[0]}' was not found.`);
      if (scopeWorkspace.location.toLowerCase() !== location.toLowerCase())
        return bad(`The rule location '${location}' must match the location of the scope '${scopeWorkspace.location}'.`);
      const conditions = ((props.criteria as Json)?.allOf ?? []) as Json[];
      if (conditions.length === 0) return bad("criteria.allOf must contain a condition.");
      for (const c of conditions) {
        if (typeof c.query !== "string" || c.query.length === 0) return bad("The query of a condition is required.");
        if (!OPERATORS.includes(String(c.operator))) return bad(`Invalid operator '${c.operator}'.`);
        if (!AGGREGATIONS.includes(String(c.timeAggregation))) return bad(`Invalid timeAggregation '${c.timeAggregation}'.`);
        if (c.timeAggregation !== "Count" && !c.metricMeasureColumn)
          return bad("metricMeasureColumn is required unless timeAggregation is Count.");
        if (typeof c.threshold !== "number") return bad("threshold must be a number.");
        // ARM runs the query against the workspace unless skipQueryValidation: a table that does not
        // exist yet (fresh workspace) fails it (createOrUpdateScheduledQueryRule.json has the flag).
        if (props.skipQueryValidation !== true && scopeWorkspace.tables) {
          const missing = LOG_TABLES.find((t) => new RegExp(`\\b${t}\\b`).test(String(c.query)) && !scopeWorkspace.tables?.includes(t));
          if (missing)
            return bad(
              `The query of the alert rule is invalid: ${logsErrors.unknownTable.error.innererror.innererror.message.replaceAll("{table}", missing)}`,
            );
        }
      }
      for (const group of ((props.actions as Json)?.actionGroups ?? []) as string[]) {
        if (!this.actionGroups.has(group.toLowerCase())) return bad(`Action group '${group}' was not found.`);
      }
      const created = !this.alertRules.has(lower);
      const rule = { id: path, name: sq[1], location, kind: (body as Json).kind, tags: (body as Json).tags, properties: props };
      this.alertRules.set(lower, rule);
      return reply(created ? 201 : 200, rule);
    }
    return armError(404, "InvalidResourceType", `The resource type could not be found for ${path}.`);
  }
}
