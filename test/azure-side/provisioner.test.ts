/**
 * The Azure-side custom resource handler end to end: real @azure/identity, @azure/arm-monitor 8
 * and @azure/arm-operationalinsights clients against the local HTTPS ARM fake, real Secrets
 * Manager client against a local fake, and the CloudFormation response PUT captured locally.
 */
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterEach, describe, expect, it } from "vitest";
import { type AzureSidePlan, buildPlan } from "../../core/azure-side/plan";
import { KQL_LIBRARY } from "../../core/kql/library";
import { AwsFake } from "../../dev-support/aws-fake";
import { LOCAL_AWS } from "../../dev-support/local-aws";
import type { CustomResourceEvent } from "../../lambdas/azure-monitor-provisioner/custom-resource";
import { createProvisionerHandler, handler as lambdaHandler } from "../../lambdas/azure-monitor-provisioner/handler";
import { loadConfig } from "../../lib/config/load";
import { ARM_API_VERSIONS, AzureArmFake, type InjectedFault } from "../support/azure-arm-fake";
import { recordingLogger } from "./support/recording-logger";

const azure = loadConfig("dev").azure;
if (!azure) throw new Error("config/dev.json has no azure section");
const account = azure.accounts[0]?.resourceId ?? "";
const workspace = azure.workspaces[0];
if (!workspace) throw new Error("config/dev.json has no workspace");
const RG = "/subscriptions/00000000-0000-4000-8000-0000000000a1/resourceGroups/rg-ai-dev";
/** The service principal FleetWatch's Azure-side provisioner signs in as (its secret must never leak). */
const PRINCIPAL = {
  tenantId: azure.tenantId,
  clientId: "11111111-2222-4333-8444-555555555555",
  clientSecret: "cl13nt~S3cret.value-that-must-never-leak",
};
const CLIENT_SECRET = PRINCIPAL.clientSecret;
const TOKEN = "intake-token-7f3a9c1e5b2d4f6a8c0e2b4d6f8a0c2e";
const CREDS_SECRET = "fleetwatch/dev/azure-sp";
const TOKEN_SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:fleetwatch-dev-intake-token-AbCdEf";
const INTAKE_URL = "https://abcdefghijklmnop.lambda-url.eu-west-1.on.aws/";
/** What CloudFormation sends the custom resource in every request of this stack. */
const STACK_EVENT = {
  StackId: "arn:aws:cloudformation:eu-west-1:111111111111:stack/FleetWatch-dev/1",
  LogicalResourceId: "AzureMonitorProvisioning",
  ResourceType: "Custom::AzureMonitorProvisioning",
} as const;

const planFor = (tables: ("AzureDiagnostics" | "AppRequests")[] = ["AzureDiagnostics", "AppRequests"], slo = 8000): AzureSidePlan =>
  buildPlan({
    environment: "dev",
    accounts: [{ resourceId: account, deployments: [{ name: "gpt-4o", sloP99Ms: slo }] }],
    workspaces: [{ resourceId: workspace.resourceId, tables }],
  });

interface Rig {
  arm: AzureArmFake;
  aws: AwsFake;
  logs: string[];
  run: (
    event: Partial<CustomResourceEvent> & Pick<CustomResourceEvent, "RequestType">,
    remainingMs?: number,
  ) => Promise<Record<string, unknown>>;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    await rig.arm.stop();
    await rig.aws.stop();
  }
});

async function rig(
  options: {
    clientSecretInAzure?: string;
    workspaceTables?: string[];
    cloud?: "AzurePublicCloud" | "AzureUSGovernment" | "AzureChinaCloud";
  } = {},
): Promise<Rig> {
  const arm = await new AzureArmFake({
    principal: { ...PRINCIPAL, clientSecret: options.clientSecretInAzure ?? CLIENT_SECRET },
    resourceGroups: [RG],
    accounts: [account],
    workspaces: [
      {
        resourceId: workspace?.resourceId ?? "",
        location: "swedencentral",
        tables: options.workspaceTables ?? ["AzureDiagnostics", "AzureMetrics", "AppRequests", "AppDependencies"],
      },
    ],
    cloud: options.cloud,
  }).start();
  const aws = await new AwsFake({
    topics: [],
    secrets: {
      [CREDS_SECRET]: JSON.stringify(PRINCIPAL),
      [TOKEN_SECRET]: TOKEN,
    },
  }).start();
  const logs: string[] = [];
  const logger = recordingLogger("azure-monitor-provisioner-test", logs);
  const handle = createProvisionerHandler({
    env: { azureCredentialsSecret: CREDS_SECRET, intakeTokenSecret: TOKEN_SECRET },
    secrets: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ ...LOCAL_AWS, endpoint: aws.endpoint }) }),
    logger,
    arm: { endpoint: arm.url, tlsOptions: { ca: arm.ca }, scope: `${arm.armAudience}/.default` },
    credential: { authorityHost: arm.url, disableInstanceDiscovery: true, tlsOptions: { ca: arm.ca } },
  });
  let n = 0;
  const run: Rig["run"] = async (partial, remainingMs = 120_000) => {
    n++;
    const event: CustomResourceEvent = {
      ResponseURL: `${aws.endpoint}/cfn-response/${n}?X-Amz-Signature=abc`,
      ...STACK_EVENT,
      RequestId: `req-${n}`,
      ResourceProperties: { ServiceToken: "arn:aws:lambda:x", Plan: JSON.stringify(planFor()), IntakeUrl: INTAKE_URL },
      ...partial,
    };
    await handle(event, { getRemainingTimeInMillis: () => remainingMs });
    const sent = aws.cfnResponses.find((r) => r.path.startsWith(`/cfn-response/${n}?`));
    if (!sent) throw new Error("no response was PUT to the ResponseURL");
    expect(sent.contentType).toBe("");
    return sent.body;
  };
  const r = { arm, aws, logs, run };
  rigs.push(r);
  return r;
}

/** The next PUTs of the action group get this ARM error. */
function failActionGroupPut(r: Rig, fault: Omit<InjectedFault, "method" | "pathIncludes">): void {
  r.arm.inject({ method: "PUT", pathIncludes: "/actionGroups/", ...fault });
}

/**
 * ARM's throttling answer to the next PUTs of the action group: 429 with Retry-After
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling).
 */
function throttleActionGroupPut(r: Rig, { retryAfterSeconds, times }: { retryAfterSeconds: number; times: number }): void {
  failActionGroupPut(r, {
    status: 429,
    code: "TooManyRequests",
    message: "The request is being throttled.",
    headers: { "retry-after": String(retryAfterSeconds) },
    times,
  });
}

/** Nothing secret anywhere a human or CloudFormation could see it. */
function expectNoSecrets(r: Rig) {
  const visible = [...r.logs, ...r.aws.cfnResponses.map((x) => JSON.stringify(x.body))].join("\n");
  expect(visible).not.toContain(CLIENT_SECRET);
  expect(visible).not.toContain(TOKEN);
}

/** One saved search per query plus one per alias (the names runbooks use). */
const searchesOf = (queries: typeof KQL_LIBRARY) => queries.reduce((n, q) => n + 1 + (q.aliases?.length ?? 0), 0);
const LIBRARY_SIZE = searchesOf(KQL_LIBRARY);
const ALERT_QUERIES = KQL_LIBRARY.filter((q) => q.alert).length;

describe("Custom::AzureMonitorProvisioning against the Azure fake", () => {
  it("Create provisions diagnostic settings, saved searches, the action group and the log alert rules", async () => {
    const r = await rig();
    const res = await r.run({ RequestType: "Create" });
    expect(res.Status).toBe("SUCCESS");
    expect(res.PhysicalResourceId).toBe("fleetwatch-azure-side-dev");
    expect(res.Data).toMatchObject({ DiagnosticSettings: 1, SavedSearches: LIBRARY_SIZE, AlertRules: ALERT_QUERIES });

    const setting = r.arm.diagnosticSettings.get(`${account}/providers/microsoft.insights/diagnosticsettings/fleetwatch-dev`.toLowerCase());
    const props = setting?.properties as { workspaceId: string; logs: { category: string; enabled: boolean }[] };
    expect(props.workspaceId).toBe(workspace.resourceId);
    expect(
      props.logs
        .filter((l) => l.enabled)
        .map((l) => l.category)
        .sort(),
    ).toEqual(["Audit", "RequestResponse"]);

    expect(r.arm.savedSearches.size).toBe(LIBRARY_SIZE);
    expect(r.arm.alertRules.size).toBe(ALERT_QUERIES);
    const [group] = [...r.arm.actionGroups.values()];
    type Receivers = { webhookReceivers?: { serviceUri: string; useCommonAlertSchema: boolean }[] };
    const receiver = (group?.properties as Receivers | undefined)?.webhookReceivers?.[0];
    expect(receiver?.useCommonAlertSchema).toBe(true);
    expect(new URL(receiver?.serviceUri ?? "").searchParams.get("token")).toBe(TOKEN);
    expect(new URL(receiver?.serviceUri ?? "").origin).toBe(new URL(INTAKE_URL).origin);

    const outage = [...r.arm.alertRules.values()].find((x) => String(x.name).includes("zero-success-diagnostics"));
    const outageProps = outage?.properties as {
      severity: number;
      actions: { actionGroups: string[]; customProperties: Record<string, string> };
    };
    expect(outageProps.severity).toBe(1);
    expect(outageProps.actions.customProperties["fleetwatch-tier"]).toBe("P1");
    expect(outageProps.actions.actionGroups[0]?.toLowerCase()).toBe(
      `${RG}/providers/Microsoft.Insights/actionGroups/fleetwatch-dev-paging`.toLowerCase(),
    );
    expect(outage?.location).toBe("swedencentral");

    // Every ARM call used the api-version the SDK pins (the fake rejects others).
    const versions = new Set(r.arm.requests.filter((q) => q.path.startsWith("/subscriptions/") && q.status < 300).map((q) => q.apiVersion));
    expect([...versions].sort()).toEqual(Object.values(ARM_API_VERSIONS).sort());
    expectNoSecrets(r);
  });

  it("Create twice is idempotent: same resources, no duplicates", async () => {
    const r = await rig();
    expect((await r.run({ RequestType: "Create" })).Status).toBe("SUCCESS");
    const before = { s: r.arm.savedSearches.size, a: r.arm.alertRules.size, d: r.arm.diagnosticSettings.size, g: r.arm.actionGroups.size };
    expect((await r.run({ RequestType: "Create" })).Status).toBe("SUCCESS");
    expect({ s: r.arm.savedSearches.size, a: r.arm.alertRules.size, d: r.arm.diagnosticSettings.size, g: r.arm.actionGroups.size }).toEqual(
      before,
    );
  });

  it("Update applies the new plan and removes exactly what left it", async () => {
    const r = await rig();
    r.arm.seedDiagnosticSetting(account, "ops-team-archive", {
      storageAccountId: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z",
      logs: [{ category: "Trace", enabled: true }],
    });
    const oldPlan = JSON.stringify(planFor());
    expect((await r.run({ RequestType: "Create", ResourceProperties: { Plan: oldPlan, IntakeUrl: INTAKE_URL } })).Status).toBe("SUCCESS");
    // The workspace stops collecting AppRequests and the SLO changes.
    const newPlan = JSON.stringify(planFor(["AzureDiagnostics"], 5000));
    const res = await r.run({
      RequestType: "Update",
      PhysicalResourceId: "fleetwatch-azure-side-dev",
      ResourceProperties: { Plan: newPlan, IntakeUrl: INTAKE_URL },
      OldResourceProperties: { Plan: oldPlan, IntakeUrl: INTAKE_URL },
    });
    expect(res.Status).toBe("SUCCESS");
    const appRequestsQueries = searchesOf(KQL_LIBRARY.filter((q) => q.flavour === "appInsights"));
    expect((res.Data as Record<string, number>).Removed).toBe(
      appRequestsQueries + KQL_LIBRARY.filter((q) => q.flavour === "appInsights" && q.alert).length,
    );
    expect([...r.arm.savedSearches.keys()].some((k) => k.endsWith("-appinsights"))).toBe(false);
    expect([...r.arm.alertRules.keys()].some((k) => k.includes("-appinsights-"))).toBe(false);
    expect(r.arm.savedSearches.size).toBe(LIBRARY_SIZE - appRequestsQueries);
    const latency = [...r.arm.alertRules.values()].find((x) => String(x.name).includes("p99-over-slo-diagnostics"));
    const query = (latency?.properties as { criteria: { allOf: { query: string }[] } } | undefined)?.criteria.allOf[0]?.query ?? "";
    expect(query).toContain('dynamic({"gpt-4o":5000})');
    // Someone else's diagnostic setting is untouched.
    expect(r.arm.diagnosticSettings.size).toBe(2);
  });

  it("Delete removes exactly what the plan created, and is idempotent", async () => {
    const r = await rig();
    r.arm.seedDiagnosticSetting(account, "ops-team-archive", {
      storageAccountId: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z",
      logs: [{ category: "Trace", enabled: true }],
    });
    expect((await r.run({ RequestType: "Create" })).Status).toBe("SUCCESS");
    const res = await r.run({ RequestType: "Delete", PhysicalResourceId: "fleetwatch-azure-side-dev" });
    expect(res.Status).toBe("SUCCESS");
    expect(r.arm.savedSearches.size).toBe(0);
    expect(r.arm.alertRules.size).toBe(0);
    expect(r.arm.actionGroups.size).toBe(0);
    expect([...r.arm.diagnosticSettings.keys()]).toEqual([
      `${account}/providers/microsoft.insights/diagnosticsettings/ops-team-archive`.toLowerCase(),
    ]);
    // Rules go before the action group they reference.
    const deletes = r.arm.requests.filter((q) => q.method === "DELETE").map((q) => q.path.toLowerCase());
    const lastRule = Math.max(...deletes.map((p, i) => (p.includes("scheduledqueryrules") ? i : -1)));
    const group = deletes.findIndex((p) => p.includes("actiongroups"));
    expect(group).toBeGreaterThan(lastRule);
    expect((await r.run({ RequestType: "Delete", PhysicalResourceId: "fleetwatch-azure-side-dev" })).Status).toBe("SUCCESS");
  });

  it("retries a 429 honouring Retry-After, then succeeds", async () => {
    const r = await rig();
    throttleActionGroupPut(r, { retryAfterSeconds: 1, times: 1 });
    const res = await r.run({ RequestType: "Create" });
    expect(res.Status).toBe("SUCCESS");
    const puts = r.arm.requests.filter((q) => q.method === "PUT" && q.path.toLowerCase().includes("/actiongroups/"));
    expect(puts.map((q) => q.status)).toEqual([429, 201]);
  });

  it("reports a clear reason to CloudFormation when Azure refuses (403 on the alert rules)", async () => {
    const r = await rig();
    r.arm.inject({
      method: "PUT",
      pathIncludes: "/scheduledQueryRules/",
      status: 403,
      code: "AuthorizationFailed",
      message: "The client does not have authorization to perform action 'Microsoft.Insights/scheduledQueryRules/write'.",
      times: 50,
    });
    const res = await r.run({ RequestType: "Create" });
    expect(res.Status).toBe("FAILED");
    const reason = String(res.Reason);
    expect(reason).toMatch(/^Create of the Azure side failed: put alertRule \S+scheduledqueryrules\/fleetwatch-dev-/);
    expect(reason).toContain("HTTP 403 AuthorizationFailed");
    expect(reason).toContain("Microsoft.Insights/scheduledQueryRules/write");
    expect(res.PhysicalResourceId).toBe("fleetwatch-azure-side-dev");
    expectNoSecrets(r);
  });

  it("point 5: brownfield: a setting that already sends RequestResponse/Audit to the workspace does not make Create fail (no 409)", async () => {
    const r = await rig();
    const theirs = `${account}/providers/microsoft.insights/diagnosticsettings/ops-team`.toLowerCase();
    r.arm.seedDiagnosticSetting(account, "ops-team", {
      workspaceId: workspace.resourceId,
      logs: [
        { category: "RequestResponse", enabled: true },
        { category: "Audit", enabled: true },
      ],
    });
    const before = JSON.stringify(r.arm.diagnosticSettings.get(theirs));
    const res = await r.run({ RequestType: "Create" });
    expect(res.Status, String(res.Reason)).toBe("SUCCESS");
    // The logs already arrive through ops-team; FleetWatch's own setting claims only AllMetrics.
    const ours = r.arm.diagnosticSettings.get(`${account}/providers/microsoft.insights/diagnosticsettings/fleetwatch-dev`.toLowerCase());
    const props = ours?.properties as { logs: unknown[]; metrics: { category: string; enabled: boolean }[] };
    expect(props.logs).toEqual([]);
    expect(props.metrics).toEqual([{ category: "AllMetrics", enabled: true }]);
    // Theirs is untouched, and the fake would still answer 409 to a reused category (rule in force).
    expect(JSON.stringify(r.arm.diagnosticSettings.get(theirs))).toBe(before);
    expect(r.arm.requests.some((q) => q.status === 409)).toBe(false);
    // Delete removes ours only.
    expect((await r.run({ RequestType: "Delete", PhysicalResourceId: "fleetwatch-azure-side-dev" })).Status).toBe("SUCCESS");
    expect([...r.arm.diagnosticSettings.keys()]).toEqual([theirs]);
  });

  it("point 5: the fake answers Conflict to a diagnostic setting that reuses a category's sink", async () => {
    const r = await rig();
    r.arm.seedDiagnosticSetting(account, "ops-team", {
      workspaceId: workspace.resourceId,
      logs: [{ category: "RequestResponse", enabled: true }],
    });
    const { ClientSecretCredential } = await import("@azure/identity");
    const { MonitorClient } = await import("@azure/arm-monitor");
    const credential = new ClientSecretCredential(PRINCIPAL.tenantId, PRINCIPAL.clientId, PRINCIPAL.clientSecret, {
      authorityHost: r.arm.url,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: r.arm.ca },
    });
    const client = new MonitorClient(credential, "00000000-0000-4000-8000-0000000000a1", {
      endpoint: r.arm.url,
      tlsOptions: { ca: r.arm.ca },
      credentials: { scopes: ["https://management.azure.com/.default"] },
      retryOptions: { maxRetries: 0 },
    });
    await expect(
      client.diagnosticSettings.createOrUpdate(account.replace(/^\//, ""), "naive", {
        workspaceId: workspace.resourceId,
        logs: [{ category: "RequestResponse", enabled: true }],
      }),
    ).rejects.toMatchObject({ statusCode: 409 });
  });

  it("point 5: a fresh workspace (no AzureDiagnostics yet) still gets its log alert rules on the first deploy", async () => {
    const r = await rig({ workspaceTables: [] });
    const res = await r.run({ RequestType: "Create" });
    expect(res.Status, String(res.Reason)).toBe("SUCCESS");
    expect(r.arm.alertRules.size).toBe(ALERT_QUERIES);
    for (const rule of r.arm.alertRules.values())
      expect((rule.properties as { skipQueryValidation?: boolean }).skipQueryValidation).toBe(true);
  });

  it("point 8: Azure Government: every ARM client, saved searches included, asks for the Government ARM token", async () => {
    const r = await rig({ cloud: "AzureUSGovernment" });
    const res = await r.run({ RequestType: "Create" });
    expect(res.Status, String(res.Reason)).toBe("SUCCESS");
    expect(r.arm.savedSearches.size).toBe(LIBRARY_SIZE);
    const tokenRequests = r.arm.requests.filter((q) => q.path.endsWith("/oauth2/v2.0/token"));
    expect(tokenRequests.length).toBeGreaterThan(0);
    for (const t of tokenRequests) expect(t.status).toBe(200);
  });

  it("point 10: with a secure webhook, the action group uses Entra ID auth and its URL carries no token", async () => {
    const r = await rig();
    const plan = buildPlan({
      environment: "dev",
      accounts: [{ resourceId: account, deployments: [{ name: "gpt-4o", sloP99Ms: 8000 }] }],
      workspaces: [{ resourceId: workspace.resourceId, tables: ["AzureDiagnostics"] }],
      secureWebhook: {
        tenantId: azure.tenantId,
        applicationObjectId: "33333333-0000-4000-8000-000000000003",
        identifierUri: "api://fleetwatch-alert-intake",
      },
    });
    const res = await r.run({ RequestType: "Create", ResourceProperties: { Plan: JSON.stringify(plan), IntakeUrl: INTAKE_URL } });
    expect(res.Status, String(res.Reason)).toBe("SUCCESS");
    const [group] = [...r.arm.actionGroups.values()];
    type Receiver = { serviceUri: string; useAadAuth?: boolean; objectId?: string; identifierUri?: string; tenantId?: string };
    const receiver = (group?.properties as { webhookReceivers?: Receiver[] } | undefined)?.webhookReceivers?.[0];
    expect(receiver).toMatchObject({
      useAadAuth: true,
      objectId: "33333333-0000-4000-8000-000000000003",
      identifierUri: "api://fleetwatch-alert-intake",
      tenantId: azure.tenantId,
    });
    expect(new URL(receiver?.serviceUri ?? "").searchParams.has("token")).toBe(false);
    expect(JSON.stringify(r.arm.requests)).not.toContain(TOKEN);
  });

  it("point 8: saved searches exist under the names the catalog's runbooks give", async () => {
    const { SIGNALS } = await import("../../core/catalog/signals");
    const named = SIGNALS.flatMap((sig) => [...sig.lookAt.matchAll(/KQL saved search "([^"]+)"/g)].map((m) => m[1] as string));
    expect(named.length).toBeGreaterThan(0);
    const ids = planFor().savedSearches.map((x) => x.savedSearchId);
    for (const name of named)
      expect(
        ids.some((id) => id.startsWith(`fleetwatch-dev-${name}-`)),
        name,
      ).toBe(true);
  });

  it("reports bad Azure credentials without leaking the secret", async () => {
    const r = await rig({ clientSecretInAzure: "a-different-secret" });
    const res = await r.run({ RequestType: "Create" });
    expect(res.Status).toBe("FAILED");
    expect(String(res.Reason)).toMatch(/AADSTS7000215|invalid_client/);
    expectNoSecrets(r);
  });

  it("redacts the webhook token even when Azure echoes it back in an error", async () => {
    const r = await rig();
    failActionGroupPut(r, {
      status: 400,
      code: "BadRequest",
      message: `Webhook receiver 'fleetwatch-intake' has an invalid service uri '${INTAKE_URL}?token=${TOKEN}'.`,
      times: 5,
    });
    const res = await r.run({ RequestType: "Create" });
    expect(res.Status).toBe("FAILED");
    expect(String(res.Reason)).toContain("token=***");
    expectNoSecrets(r);
  });

  it("Delete of a resource whose plan never parsed succeeds without touching Azure", async () => {
    const r = await rig();
    const res = await r.run({ RequestType: "Delete", PhysicalResourceId: "x", ResourceProperties: { Plan: "{not json" } });
    expect(res.Status).toBe("SUCCESS");
    expect(r.arm.requests).toHaveLength(0);
  });

  it("Create with a malformed plan fails with the reason", async () => {
    const r = await rig();
    const res = await r.run({ RequestType: "Create", ResourceProperties: { Plan: JSON.stringify({ version: 1 }), IntakeUrl: INTAKE_URL } });
    expect(res.Status).toBe("FAILED");
    expect(String(res.Reason)).toMatch(/property Plan is not a FleetWatch Azure-side plan/);
  });

  it("the Lambda entry point reports a misconfigured function to CloudFormation instead of timing out", async () => {
    const r = await rig();
    delete process.env.AZURE_CREDENTIALS_SECRET;
    await lambdaHandler(
      {
        RequestType: "Create",
        ResponseURL: `${r.aws.endpoint}/cfn-response/misconfigured`,
        ...STACK_EVENT,
        RequestId: "req-x",
        ResourceProperties: { Plan: JSON.stringify(planFor()), IntakeUrl: INTAKE_URL },
      },
      { getRemainingTimeInMillis: () => 60_000 } as never,
    );
    const sent = r.aws.cfnResponses.find((x) => x.path === "/cfn-response/misconfigured");
    expect(sent?.body.Status).toBe("FAILED");
    expect(String(sent?.body.Reason)).toMatch(/azure-monitor-provisioner environment: AZURE_CREDENTIALS_SECRET: /);
  });

  it("reports FAILED naming the step in progress before Lambda's own timeout hits", async () => {
    const r = await rig();
    throttleActionGroupPut(r, { retryAfterSeconds: 30, times: 5 });
    // 16 s left: the handler keeps 15 s to answer, so it gives the work 1 s.
    const res = await r.run({ RequestType: "Create" }, 16_000);
    expect(res.Status).toBe("FAILED");
    expect(String(res.Reason)).toMatch(/timed out after 1 s during: put actionGroup .*fleetwatch-dev-paging/);
  });
});
