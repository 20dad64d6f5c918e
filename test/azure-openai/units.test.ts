/**
 * The poller's pure parts, without any network: getBatch grouping, the KQL (checked by
 * Microsoft's KQL parser against the documented table schemas), retry decisions, quota
 * arithmetic, the exactly-once selection, and secret scrubbing.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { APP_ROLE_LATENCY_COLUMNS, DEPLOYMENT_LATENCY_COLUMNS } from "../../dev-support/azure-fake-server";
import { groupIntoBatches, MAX_RESOURCES_PER_BATCH } from "../../lambdas/azure-openai-poller/batching";
import { estimatedCostUsd } from "../../lambdas/azure-openai-poller/cost";
import type { Datapoint } from "../../lambdas/azure-openai-poller/datapoints";
import { describeAzureError, redact } from "../../lambdas/azure-openai-poller/errors";
import { appRoleLatencyQuery, deploymentLatencyQuery } from "../../lambdas/azure-openai-poller/kql";
import type { PublishedIndex } from "../../lambdas/azure-openai-poller/ports";
import { quotaOf, utilisationPercent } from "../../lambdas/azure-openai-poller/quota";
import { retryDecision } from "../../lambdas/azure-openai-poller/retry";
import { isSettled, selectToPublish } from "../../lambdas/azure-openai-poller/watermark";
import { analyseWithResult, errorsOf } from "../kql/kusto-analyser";

const sub = (n: number) => `0000000${n}-0000-4000-8000-000000000000`;
const account = (s: string, name: string) => `/subscriptions/${s}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/${name}`;

describe("getBatch grouping", () => {
  test("at most 50 resources per call, one group per subscription, region and resource type", () => {
    const many = Array.from({ length: 120 }, (_, i) => ({ resourceId: account(sub(1), `a${i}`), region: "eastus" }));
    const other = [
      { resourceId: account(sub(1), "west"), region: "westus" },
      { resourceId: account(sub(2), "b"), region: "eastus" },
      {
        resourceId: `/subscriptions/${sub(1)}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ml`,
        region: "eastus",
      },
    ];
    const batches = groupIntoBatches([...many, ...other, many[0] as { resourceId: string; region: string }]);
    expect(batches.map((b) => b.resourceIds.length)).toEqual([50, 50, 20, 1, 1, 1]);
    expect(batches[3]).toMatchObject({ region: "westus", subscriptionId: sub(1), namespace: "Microsoft.CognitiveServices/accounts" });
    expect(batches[4]).toMatchObject({ subscriptionId: sub(2) });
    expect(batches[5]?.namespace).toBe("Microsoft.MachineLearningServices/workspaces");
  });

  test("property: every resource lands in exactly one batch of a homogeneous group", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            s: fc.integer({ min: 1, max: 3 }),
            r: fc.constantFrom("eastus", "swedencentral"),
            n: fc.integer({ min: 0, max: 200 }),
          }),
          { maxLength: 300 },
        ),
        (rows) => {
          const input = rows.map((x) => ({ resourceId: account(sub(x.s), `acct${x.n}`), region: x.r }));
          const batches = groupIntoBatches(input);
          const out = batches.flatMap((b) => b.resourceIds.map((id) => id.toLowerCase()));
          expect(new Set(out).size).toBe(out.length);
          expect(new Set(out)).toEqual(new Set(input.map((i) => i.resourceId.toLowerCase())));
          for (const b of batches) {
            expect(b.resourceIds.length).toBeLessThanOrEqual(MAX_RESOURCES_PER_BATCH);
            for (const id of b.resourceIds) expect(id.startsWith(`/subscriptions/${b.subscriptionId}/`)).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("KQL, checked by Microsoft's parser against the documented schemas", () => {
  const start = new Date("2026-11-22T10:00:00Z");
  const end = new Date("2026-11-22T10:30:00Z");

  const acct = (name: string, ...deployments: string[]) => ({ resourceId: account(sub(1), name), deployments });

  test("AzureDiagnostics: per account (_ResourceId), deployment and minute, with percentiles", () => {
    const { diagnostics, resultColumns } = analyseWithResult(
      deploymentLatencyQuery([acct("swc", "gpt-4o"), acct("eus", "o4-mini")], start, end),
      ["AzureDiagnostics"],
    );
    expect(errorsOf(diagnostics)).toEqual([]);
    // The shape the Log Analytics fake answers this query with (the poller's tests and the simulator seed it).
    expect(resultColumns).toEqual(Object.fromEntries(DEPLOYMENT_LATENCY_COLUMNS.map((c) => [c.name, c.type])));
    expect(Object.keys(resultColumns)).toEqual([
      "Account",
      "Deployment",
      "Minute",
      "Requests",
      "Throttled",
      "ServerErrors",
      "P50",
      "P95",
      "P99",
    ]);
  });

  test("AppRequests: per app role and minute", () => {
    const { diagnostics, resultColumns } = analyseWithResult(appRoleLatencyQuery(start, end), ["AppRequests"]);
    expect(errorsOf(diagnostics)).toEqual([]);
    expect(Object.keys(resultColumns)).toEqual(["AppRoleName", "Minute", "Requests", "Throttled", "Failed", "P50", "P95", "P99"]);
    expect(resultColumns).toEqual(Object.fromEntries(APP_ROLE_LATENCY_COLUMNS.map((c) => [c.name, c.type])));
  });

  test("deployment names are quoted, so a hostile name stays a string literal", () => {
    const q = deploymentLatencyQuery([acct("a", 'x") | take 1 //', "back\\slash")], start, end);
    expect(errorsOf(analyseWithResult(q, ["AzureDiagnostics"]).diagnostics)).toEqual([]);
    expect(q).toContain('"x\\") | take 1 //"');
  });

  test("a misspelt column would be caught (the check can fail)", () => {
    const q = deploymentLatencyQuery([acct("a", "gpt-4o")], start, end).replace("ResultSignature", "ResultSignatur");
    expect(errorsOf(analyseWithResult(q, ["AzureDiagnostics"]).diagnostics).length).toBeGreaterThan(0);
  });
});

describe("retry decisions", () => {
  const opts = { maxRetries: 3, maxRetryAfterMs: 20_000, baseDelayMs: 500 };
  const now = Date.parse("2026-11-22T10:00:00Z");
  test("429 and 529 honour Retry-After in seconds, as an HTTP date, or retry-after-ms", () => {
    expect(retryDecision({ status: 429, retryAfter: "7" }, 0, opts, now)).toEqual({ retry: true, delayMs: 7000 });
    expect(retryDecision({ status: 529, retryAfter: "Sun, 22 Nov 2026 10:00:04 GMT" }, 0, opts, now)).toEqual({
      retry: true,
      delayMs: 4000,
    });
    expect(retryDecision({ status: 429, retryAfterMs: "250" }, 1, opts, now)).toEqual({ retry: true, delayMs: 250 });
  });
  test("a Retry-After beyond what the poll can wait is not honoured", () => {
    const d = retryDecision({ status: 429, retryAfter: "60" }, 0, opts, now);
    expect(d.retry).toBe(false);
    expect(!d.retry && d.reason).toMatch(/Retry-After 60 s/);
  });
  test("5xx and network errors back off exponentially (full jitter), 4xx other than 408/429 do not retry", () => {
    expect(retryDecision({ status: 503 }, 2, opts, now, () => 1)).toEqual({ retry: true, delayMs: 2000 });
    expect(retryDecision({ status: undefined }, 0, opts, now, () => 0)).toEqual({ retry: true, delayMs: 250 });
    expect(retryDecision({ status: 403 }, 0, opts, now).retry).toBe(false);
    expect(retryDecision({ status: 501 }, 0, opts, now).retry).toBe(false);
    expect(retryDecision({ status: 500 }, 3, opts, now).retry).toBe(false);
  });
});

describe("quota", () => {
  test("rateLimits convert to per-minute limits", () => {
    const q = quotaOf({
      name: "d",
      skuName: "Standard",
      capacity: 30,
      rateLimits: [
        { key: "request", renewalPeriod: 10, count: 30 },
        { key: "token", renewalPeriod: 60, count: 30000 },
      ],
    });
    expect(q).toEqual({ provisioned: false, tokensPerMinute: 30000, requestsPerMinute: 180 });
    expect(utilisationPercent(24000, q.tokensPerMinute)).toBe(80);
  });
  test("without rateLimits: 1,000 TPM and 6 RPM per capacity unit; provisioned has no TPM limit", () => {
    expect(quotaOf({ name: "d", skuName: "GlobalStandard", capacity: 10 })).toEqual({
      provisioned: false,
      tokensPerMinute: 10000,
      requestsPerMinute: 60,
    });
    expect(quotaOf({ name: "d", skuName: "ProvisionedManaged", capacity: 100 })).toEqual({
      provisioned: true,
      tokensPerMinute: undefined,
      requestsPerMinute: undefined,
    });
    expect(utilisationPercent(5, undefined)).toBeUndefined();
  });
  test("cost: tokens x price per 1k", () => {
    expect(estimatedCostUsd(1_000_000, 250_000, { inputUsdPer1kTokens: 0.0025, outputUsdPer1kTokens: 0.01 })).toBeCloseTo(5, 9);
  });
});

describe("exactly-once selection", () => {
  const M = Date.parse("2026-11-22T10:20:00Z");
  const dp = (minute: number, source: "metrics" | "logs" = "metrics", metric: Datapoint["metric"] = "aoaiRequests"): Datapoint => ({
    scope: "deployment#gpt-4o",
    deployment: "gpt-4o",
    metric,
    minute,
    value: 1,
    source,
  });
  const settle = { metrics: 3, logs: 10 };
  test("a minute is settled once `settle` whole minutes have passed since it ended", () => {
    expect(isSettled(M, "metrics", M + 4 * 60_000 - 1, settle)).toBe(false);
    expect(isSettled(M, "metrics", M + 4 * 60_000, settle)).toBe(true);
    expect(isSettled(M, "logs", M + 10 * 60_000, settle)).toBe(false);
    expect(isSettled(M, "logs", M + 11 * 60_000, settle)).toBe(true);
  });
  test("published keys, unsettled minutes, out-of-window minutes and duplicates are not selected", () => {
    const published: PublishedIndex = new Map([["deployment#gpt-4o", new Map([[M, new Set(["AoaiRequests"])]])]]);
    const now = M + 20 * 60_000;
    const sel = selectToPublish(
      [dp(M), dp(M, "metrics", "aoaiTokens"), dp(M, "metrics", "aoaiTokens"), dp(M + 18 * 60_000), dp(M - 40 * 60_000)],
      published,
      now,
      M - 30 * 60_000,
      settle,
    );
    expect(sel.ready.map((d) => d.metric)).toEqual(["aoaiTokens"]);
    expect(sel.alreadyPublished).toBe(1);
    expect(sel.waiting).toBe(1);
  });
});

describe("error messages", () => {
  test("point 8: a 401 from getBatch names Monitoring Reader on the subscription; the secret is scrubbed", () => {
    const secret = "s3cr3t-value-xyz";
    const e = describeAzureError(
      {
        statusCode: 401,
        message: `Unauthorized for client with secret ${secret}`,
        details: { error: { code: "Unauthorized" } },
      },
      { service: "metrics", clientId: "cid", subscriptionId: "sub-1" },
      [secret],
    );
    expect(e.message).toContain("the service principal cid needs Monitoring Reader on subscription sub-1");
    expect(e.message).not.toContain(secret);
    expect(redact(`a ${secret} b ${secret}`, [secret])).toBe("a [redacted] b [redacted]");
    // A token for the wrong audience is a different problem than a missing role.
    const audience = describeAzureError(
      { statusCode: 401, message: "wrong audience", details: { error: { code: "InvalidAuthenticationTokenAudience" } } },
      { service: "metrics", clientId: "cid", subscriptionId: "sub-1" },
      [],
    );
    expect(audience.message).not.toContain("Monitoring Reader");
  });
  test("point 8: a 403 from getBatch says to register Microsoft.Insights, not to grant a role", () => {
    const e = describeAzureError(
      { statusCode: 403, message: "not registered", details: { error: { code: "Forbidden" } } },
      { service: "metrics", clientId: "cid", subscriptionId: "sub-1" },
      [],
    );
    expect(e.message).toContain("register the Microsoft.Insights resource provider");
    expect(e.message).not.toContain("Monitoring Reader");
  });
  test("Log Analytics 403 names Log Analytics Reader on the workspace", () => {
    const e = describeAzureError(
      { statusCode: 403, message: "InsufficientAccessError" },
      { service: "logs", clientId: "cid", scope: "ws-1" },
      [],
    );
    expect(e.message).toContain("needs Log Analytics Reader on workspace ws-1");
  });
});

describe("docs/azure-openai.md lists each published metric with its Azure source", () => {
  test("every source metric's published metrics appear in one table row with the Azure name, and the provisioned-only ones say so", async () => {
    const { readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { SOURCE_METRICS } = await import("../../lambdas/azure-openai-poller/metric-families");
    const { METRICS } = await import("../../core/metric-registry");
    const rows = readFileSync(join(import.meta.dirname, "..", "..", "docs", "azure-openai.md"), "utf8")
      .split("\n")
      .filter((l) => l.startsWith("| `Aoai"));
    for (const source of SOURCE_METRICS) {
      for (const key of source.publishes) {
        const row = rows.find((r) => r.includes(`\`${METRICS[key].name}\``) && r.includes(source.azureName));
        expect(row, `${METRICS[key].name} from ${source.azureName}`).toBeDefined();
        if (source.deploymentTypes.length === 1 && source.deploymentTypes[0] === "provisioned" && source.publishes.length === 1)
          expect(row).toMatch(/provisioned only/);
      }
    }
  });
});
