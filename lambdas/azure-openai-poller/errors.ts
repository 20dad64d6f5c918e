/**
 * Azure failures turned into messages an operator can act on: which call, which scope, and the
 * fix (usually a missing role assignment). The client secret is scrubbed from every message.
 */

export type AzureService = "auth" | "secret" | "metrics" | "logs" | "deployments";

export interface ErrorFacts {
  readonly status?: number;
  readonly code?: string;
  readonly message: string;
}

export interface ErrorContext {
  readonly service: AzureService;
  readonly clientId?: string;
  readonly tenantId?: string;
  readonly subscriptionId?: string;
  readonly scope?: string;
  readonly secretName?: string;
}

export interface PollError {
  readonly service: AzureService;
  readonly status?: number;
  readonly code?: string;
  readonly message: string;
}

/** Reads status and code from Azure SDK errors (RestError, AuthenticationError) without depending on them. */
function errorFacts(err: unknown): ErrorFacts {
  const e = err as {
    statusCode?: unknown;
    status?: unknown;
    code?: unknown;
    message?: unknown;
    details?: unknown;
    errorResponse?: unknown;
  };
  const status = typeof e?.statusCode === "number" ? e.statusCode : typeof e?.status === "number" ? e.status : undefined;
  const details = e?.details as { error?: { code?: string } } | undefined;
  const errorResponse = e?.errorResponse as { error?: string; errorDescription?: string } | undefined;
  const code = details?.error?.code ?? errorResponse?.error ?? (typeof e?.code === "string" ? e.code : undefined);
  const message = typeof e?.message === "string" ? e.message : String(err);
  return { status, code, message };
}

export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}

function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

export function describeAzureError(err: unknown, ctx: ErrorContext, secrets: readonly (string | undefined)[]): PollError {
  const facts = errorFacts(err);
  const sp = ctx.clientId ? `the service principal ${ctx.clientId}` : "the service principal";
  const detail = firstLine(facts.message);
  let message: string;
  const denied = facts.status === 403 || /AuthorizationFailed|InsufficientAccess|Forbidden/i.test(facts.code ?? "");
  if (ctx.service === "auth" || /AADSTS|invalid_client|unauthorized_client/i.test(detail)) {
    const aadsts = /AADSTS\d+/.exec(detail)?.[0];
    message =
      `Entra ID rejected ${sp} in tenant ${ctx.tenantId ?? "?"}${aadsts ? ` (${aadsts})` : ""}: ` +
      `check tenantId/clientId/clientSecret in Secrets Manager secret ${ctx.secretName ?? "?"} (an expired client secret is the usual cause). ${detail}`;
  } else if (ctx.service === "metrics" && facts.status === 401 && !/Audience/i.test(facts.code ?? "")) {
    // metrics:getBatch is a subscription-level API: without Monitoring Reader on the subscription
    // itself it answers 401, even with the role on every resource.
    // https://learn.microsoft.com/azure/azure-monitor/essentials/migrate-to-batch-api#troubleshooting
    message = `${sp} needs Monitoring Reader on subscription ${ctx.subscriptionId ?? "?"} (the subscription itself, not only the accounts) to read metrics with getBatch (${ctx.scope ?? ""}). ${detail}`;
  } else if (denied && ctx.service === "metrics") {
    // 403 from getBatch: the subscription is not registered for the Microsoft.Insights provider.
    message = `metrics:getBatch was refused on subscription ${ctx.subscriptionId ?? "?"}: register the Microsoft.Insights resource provider there (az provider register --namespace Microsoft.Insights) (${ctx.scope ?? ""}). ${detail}`;
  } else if (denied && ctx.service === "logs") {
    message = `${sp} needs Log Analytics Reader on workspace ${ctx.scope ?? "?"} (subscription ${ctx.subscriptionId ?? "?"}) to run queries. ${detail}`;
  } else if (denied && ctx.service === "deployments") {
    message = `${sp} needs Reader or Monitoring Reader on subscription ${ctx.subscriptionId ?? "?"} to list deployments of ${ctx.scope ?? "?"}. ${detail}`;
  } else if (facts.status === 401) {
    message = `${ctx.service}: 401 for ${sp}: the token was rejected (wrong tenant or audience?). ${detail}`;
  } else {
    message = `${ctx.service}${ctx.scope ? ` (${ctx.scope})` : ""} failed${facts.status ? ` with HTTP ${facts.status}` : ""}${facts.code ? ` ${facts.code}` : ""}: ${detail}`;
  }
  return { service: ctx.service, status: facts.status, code: facts.code, message: redact(message, secrets) };
}
