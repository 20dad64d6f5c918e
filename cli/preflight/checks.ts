/**
 * The preflight's checks: what the template cannot show and a deploy (or the first poll) would
 * fail on, read from the account with read-only calls. One row per check: ok or fail, and for
 * a fail the fix. Secret values are parsed, never printed.
 */

import type { EnvironmentConfig } from "../../core/config/schema";
import { TIMESTREAM_INFLUXDB_REGIONS } from "../../core/config/telemetry-store";
import { LAMBDA_MIN_UNRESERVED_CONCURRENCY, RESERVED_CONCURRENCY } from "../../lib/constructs/invoke-limits";
import type { PreflightAws } from "./aws";

export interface CheckRow {
  readonly check: string;
  readonly status: "ok" | "fail";
  readonly detail: string;
  /** What to do about a fail. */
  readonly fix?: string;
}

/** CDK's default bootstrap qualifier and the bootstrap version CDK v2 apps require (cdk bootstrap docs). */
export const CDK_QUALIFIER = "hnb659fds";
export const MIN_BOOTSTRAP_VERSION = 6;

type SecretShape = "bmc-credentials" | "azure-service-principal" | "https-url";

export async function runChecks(config: EnvironmentConfig, aws: PreflightAws): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  const attempt = async (check: string, body: () => Promise<Omit<CheckRow, "check">>) => {
    try {
      rows.push({ check, ...(await body()) });
    } catch (err) {
      const e = err as Error;
      rows.push({ check, status: "fail", detail: `${e.name}: ${e.message}`, fix: fixFor(check, e, config) });
    }
  };

  // ---- secrets, each parsed in the shape its reader expects.
  const secrets = new Map<string, SecretShape>();
  for (const c of config.redfish.clusters) secrets.set(c.credentialsSecretName, "bmc-credentials");
  if (config.azure) secrets.set(config.azure.credentialsSecretName, "azure-service-principal");
  if (config.paging.p1.pagerDutyIntegrationUrlSecretName) secrets.set(config.paging.p1.pagerDutyIntegrationUrlSecretName, "https-url");
  if (config.paging.p3.ticketWebhookSecretName) secrets.set(config.paging.p3.ticketWebhookSecretName, "https-url");
  for (const [name, shape] of secrets) {
    await attempt(`secret ${name}`, async () => {
      const value = await aws.secretString(name);
      const problem = value === undefined ? "has no SecretString" : shapeProblem(value, shape);
      return problem
        ? {
            status: "fail",
            detail: problem,
            fix: `aws secretsmanager put-secret-value --secret-id ${name} --secret-string ${example(shape)}`,
          }
        : { status: "ok", detail: `parses as ${shape}` };
    });
  }

  // ---- the poller's network: subnets in the VPC, routes to every BMC CIDR.
  const net = config.redfish.network;
  await attempt(`subnets in ${net.vpcId}`, async () => {
    const found = await aws.subnets(net.subnetIds);
    const wrongVpc = found.filter((s) => s.vpcId !== net.vpcId);
    if (wrongVpc.length > 0)
      return {
        status: "fail",
        detail: wrongVpc.map((s) => `${s.subnetId} is in ${s.vpcId}`).join("; "),
        fix: `redfish.network.subnetIds: use subnets of ${net.vpcId}`,
      };
    return { status: "ok", detail: `${found.length} subnet(s) found in ${net.vpcId}` };
  });
  for (const subnetId of net.subnetIds) {
    await attempt(`routes from ${subnetId} to BMC CIDRs`, async () => {
      const routes = (await aws.routes(subnetId, net.vpcId)).filter((r) => r.state === "active");
      const missing = net.bmcCidrs.filter((cidr) => !routes.some((r) => cidrContains(r.destination, cidr)));
      return missing.length === 0
        ? { status: "ok", detail: `${net.bmcCidrs.join(", ")} routed` }
        : {
            status: "fail",
            detail: `no active route to ${missing.join(", ")}`,
            fix: `add a route to ${missing.join(", ")} (VPN, Direct Connect or peering) in ${subnetId}'s route table, or correct redfish.network.bmcCidrs`,
          };
    });
  }

  // ---- chat authorisations (a one-time console step the template cannot do).
  if (config.paging.p2.slack.length > 0) {
    await attempt("chat: Slack workspaces authorised", async () => {
      const authorised = await aws.slackWorkspaceIds();
      const missing = config.paging.p2.slack.map((s) => s.workspaceId).filter((id) => !authorised.includes(id));
      return missing.length === 0
        ? { status: "ok", detail: `${config.paging.p2.slack.length} workspace(s) authorised` }
        : {
            status: "fail",
            detail: `workspace(s) ${missing.join(", ")} not authorised for AWS Chatbot in this account`,
            fix: "AWS Chatbot console > Configure new client > Slack, sign in to the workspace (README, Deploying step 3)",
          };
    });
  }
  if (config.paging.p2.teams.length > 0) {
    await attempt("chat: Microsoft Teams teams authorised", async () => {
      const configured = await aws.teamsConfigured();
      const missing = config.paging.p2.teams.filter((t) => !configured.some((c) => c.teamId === t.teamId && c.tenantId === t.tenantId));
      return missing.length === 0
        ? { status: "ok", detail: `${config.paging.p2.teams.length} team(s) authorised` }
        : {
            status: "fail",
            detail: `team(s) ${missing.map((t) => t.teamId).join(", ")} not configured for AWS Chatbot`,
            fix: "AWS Chatbot console > Configure new client > Microsoft Teams, add the team (README, Deploying step 3)",
          };
    });
  }

  // ---- telemetry store, by the config's choice (core/config/telemetry-store.ts).
  const store = config.telemetryStore;
  if (store.kind === "timestream-liveanalytics") {
    await attempt("telemetry store: Timestream for LiveAnalytics", async () => {
      const databases = await aws.timestreamDatabases();
      return { status: "ok", detail: `available to this account (${databases.length} database(s))` };
    });
  } else {
    await attempt(`telemetry store: ${store.kind}`, async () =>
      store.kind === "influxdb-provisioned"
        ? (TIMESTREAM_INFLUXDB_REGIONS as readonly string[]).includes(config.region)
          ? { status: "ok", detail: `Timestream for InfluxDB is offered in ${config.region}` }
          : {
              status: "fail",
              detail: `Timestream for InfluxDB is not offered in ${config.region}`,
              fix: "choose telemetryStore influxdb-existing or none, or another Region",
            }
        : { status: "ok", detail: store.kind === "none" ? "no per-component store" : "an existing InfluxDB: not checked from AWS" },
    );
  }

  // ---- quotas.
  await attempt("Lambda concurrency for reservations", async () => {
    const unreserved = await aws.unreservedConcurrency();
    const reserving = RESERVED_CONCURRENCY.p1Enricher + (config.azure?.provisionAzureSide ? RESERVED_CONCURRENCY.azureAlertIntake : 0);
    const left = unreserved - reserving;
    return left >= LAMBDA_MIN_UNRESERVED_CONCURRENCY
      ? { status: "ok", detail: `${unreserved} unreserved; ${reserving} reserved by FleetWatch leaves ${left}` }
      : {
          status: "fail",
          detail: `${unreserved} unreserved; reserving ${reserving} would leave ${left}, below Lambda's minimum of ${LAMBDA_MIN_UNRESERVED_CONCURRENCY}`,
          fix: "request a higher 'Concurrent executions' quota for Lambda (Service Quotas console); new accounts start low",
        };
  });

  // ---- CDK bootstrap.
  await attempt("CDK bootstrap", async () => {
    const version = await aws.bootstrapVersion(CDK_QUALIFIER);
    const fix = `npx cdk bootstrap aws://${config.account}/${config.region}`;
    if (version === undefined) return { status: "fail", detail: `no /cdk-bootstrap/${CDK_QUALIFIER}/version parameter`, fix };
    return version >= MIN_BOOTSTRAP_VERSION
      ? { status: "ok", detail: `bootstrap version ${version}` }
      : { status: "fail", detail: `bootstrap version ${version}, CDK needs ${MIN_BOOTSTRAP_VERSION}+`, fix };
  });
  return rows;
}

function fixFor(check: string, err: Error, config: EnvironmentConfig): string {
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|CredentialsProviderError/.test(`${err.name} ${err.message}`))
    return "cannot reach AWS with these credentials: check AWS_PROFILE/credentials, the Region and the network";
  if (check.startsWith("secret ")) {
    const name = check.slice("secret ".length);
    return err.name === "ResourceNotFoundException"
      ? `create it in ${config.region}: aws secretsmanager create-secret --name ${name} --secret-string '…' (README, Deploying step 2)`
      : "let these credentials call secretsmanager:GetSecretValue on it";
  }
  if (check.startsWith("subnets") || check.startsWith("routes"))
    return /NotFound/.test(err.name)
      ? "redfish.network: subnet or VPC ids that exist in this account and Region"
      : "allow ec2:Describe* to these credentials";
  if (check.startsWith("telemetry store"))
    return err.name === "AccessDeniedException"
      ? "Timestream for LiveAnalytics is closed to accounts that did not use it before 2025-06-20: use Timestream for InfluxDB (docs/telemetry.md), or allow timestream:DescribeEndpoints/ListDatabases if the account has it"
      : "check the credentials' timestream:DescribeEndpoints/ListDatabases permissions";
  if (check.startsWith("chat"))
    return "allow chatbot:Describe*/List* to these credentials, or authorise the workspace in the AWS Chatbot console";
  return "check the credentials' read permissions for this call";
}

function shapeProblem(value: string, shape: SecretShape): string | undefined {
  if (shape === "https-url") return /^https:\/\/\S+$/.test(value.trim()) ? undefined : "is not an https:// URL";
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return "is not JSON";
  }
  const keys = shape === "bmc-credentials" ? ["username", "password"] : ["tenantId", "clientId", "clientSecret"];
  const missing = keys.filter(
    (k) => typeof (parsed as Record<string, unknown>)?.[k] !== "string" || !(parsed as Record<string, string>)[k],
  );
  return missing.length ? `JSON lacks ${missing.join(", ")}` : undefined;
}

function example(shape: SecretShape): string {
  return shape === "bmc-credentials"
    ? `'{"username":"…","password":"…"}'`
    : shape === "azure-service-principal"
      ? `'{"tenantId":"…","clientId":"…","clientSecret":"…"}'`
      : "'https://…'";
}

/** True when IPv4 CIDR `outer` contains CIDR `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const parse = (c: string) => {
    const [ip, bits] = c.split("/");
    const n = (ip ?? "").split(".").reduce((a, o) => a * 256 + Number(o), 0);
    return { n, bits: Number(bits ?? 32) };
  };
  const o = parse(outer);
  const i = parse(inner);
  if (!Number.isFinite(o.n) || o.bits > i.bits) return false;
  const size = 2 ** (32 - o.bits);
  return Math.floor(i.n / size) === Math.floor(o.n / size);
}
