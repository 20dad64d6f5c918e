/**
 * The poller end to end with the real SDK clients (@azure/identity, monitor-query-metrics,
 * monitor-query-logs, arm-cognitiveservices, AWS SDK v3) against local servers: the HTTPS Azure
 * fake, dynalite for the watermark table, and a CloudWatch/Secrets Manager fake.
 * Expected numbers are worked out by hand from the seeded traffic (see each comment).
 */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { APP_ROLE_LATENCY_COLUMNS, type AzureFakeServer, DEPLOYMENT_LATENCY_COLUMNS } from "../../dev-support/azure-fake-server";
import {
  ACCOUNT_EUS,
  ACCOUNT_SWC,
  type Harness,
  iso,
  minuteAgo,
  NOW,
  PRINCIPAL,
  SECRET_NAME,
  SUB_A,
  startHarness,
  WORKSPACE_ID,
} from "./harness";

interface Traffic {
  readonly account?: string;
  readonly deployment: string;
  readonly at: number;
  readonly statuses?: Record<string, number>;
  readonly prompt?: number;
  readonly generated?: number;
  /** Streaming time to first response (AzureOpenAITimeToResponse). */
  readonly ttftMs?: number;
  /** AzureOpenAINormalizedTTFTInMS: per prompt token. */
  readonly normalizedTtftMs?: number;
  readonly ttltMs?: number;
}

function seed(azure: AzureFakeServer, t: Traffic): void {
  const resourceId = t.account ?? ACCOUNT_SWC;
  const timestamp = iso(t.at + 7_000);
  const dims = { ModelDeploymentName: t.deployment, ModelName: "gpt-4o", Region: "swedencentral", ApiName: "ChatCompletions" };
  for (const [status, total] of Object.entries(t.statuses ?? {})) {
    azure.metricValues.push({ resourceId, metric: "AzureOpenAIRequests", dimensions: { ...dims, StatusCode: status }, timestamp, total });
  }
  if (t.prompt !== undefined)
    azure.metricValues.push({ resourceId, metric: "ProcessedPromptTokens", dimensions: dims, timestamp, total: t.prompt });
  if (t.generated !== undefined)
    azure.metricValues.push({ resourceId, metric: "GeneratedTokens", dimensions: dims, timestamp, total: t.generated });
  if (t.prompt !== undefined || t.generated !== undefined)
    azure.metricValues.push({
      resourceId,
      metric: "TokenTransaction",
      dimensions: dims,
      timestamp,
      total: (t.prompt ?? 0) + (t.generated ?? 0),
    });
  if (t.ttftMs !== undefined)
    azure.metricValues.push({ resourceId, metric: "AzureOpenAITimeToResponse", dimensions: dims, timestamp, average: t.ttftMs });
  if (t.normalizedTtftMs !== undefined)
    azure.metricValues.push({
      resourceId,
      metric: "AzureOpenAINormalizedTTFTInMS",
      dimensions: dims,
      timestamp,
      average: t.normalizedTtftMs,
    });
  if (t.ttltMs !== undefined)
    azure.metricValues.push({ resourceId, metric: "AzureOpenAITTLTInMS", dimensions: dims, timestamp, average: t.ttltMs });
}

const SWC = ACCOUNT_SWC.toLowerCase();

function seedDeployments(azure: AzureFakeServer): void {
  azure.deployments.set(ACCOUNT_SWC.toLowerCase(), [
    {
      name: "gpt-4o",
      model: "gpt-4o",
      sku: { name: "Standard", capacity: 60 },
      // 60 requests per 10 s = 360 RPM; 60,000 tokens per 60 s = 60,000 TPM.
      rateLimits: [
        { key: "request", renewalPeriod: 10, count: 60 },
        { key: "token", renewalPeriod: 60, count: 60000 },
      ],
    },
    { name: "gpt-4o-mini", model: "gpt-4o-mini", sku: { name: "GlobalStandard", capacity: 10 } },
  ]);
  azure.deployments.set(ACCOUNT_EUS.toLowerCase(), [
    { name: "o4-mini", model: "o4-mini", sku: { name: "ProvisionedManaged", capacity: 50 } },
  ]);
}

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  seedDeployments(h.azure);
  h.azure.logs.set(WORKSPACE_ID, new Map());
});
afterEach(async () => {
  await h.stop();
});

const at = (name: string, deployment: string, minute: number) =>
  h.aws.datums.filter((d) => d.name === name && d.dimensions.Deployment === deployment && d.timestamp === minute);

describe("one poll", () => {
  test("publishes each settled deployment minute with its real timestamp, from a handful of calls", async () => {
    const m = minuteAgo(5);
    // gpt-4o: 90 x 200 + 10 x 429 = 100 requests; 6,000 prompt + 2,000 generated tokens.
    seed(h.azure, { deployment: "gpt-4o", at: m, statuses: { "200": 90, "429": 10 }, prompt: 6000, generated: 2000, ttftMs: 350 });
    // Not settled yet (metrics settle after 3 minutes): must wait for a later poll.
    seed(h.azure, { deployment: "gpt-4o", at: minuteAgo(1), statuses: { "200": 5 } });
    h.azure.logs.get(WORKSPACE_ID)?.set("AzureDiagnostics", {
      tables: [
        {
          columns: DEPLOYMENT_LATENCY_COLUMNS,
          rows: [
            [SWC, "gpt-4o", iso(minuteAgo(12)), 40, 2, 0, 800, 2000, 4000],
            // Logs settle after 10 minutes: this one waits.
            [SWC, "gpt-4o", iso(minuteAgo(5)), 40, 2, 0, 900, 2100, 4100],
          ],
        },
      ],
    });

    const summary = await h.poller.poll(NOW);

    expect(summary.errors).toEqual([]);
    expect(summary.azureReadOk).toBe(true);
    const value = (name: string) => at(name, "gpt-4o", m).map((d) => d.value);
    expect(value("AoaiRequests")).toEqual([100]);
    expect(value("AoaiSuccessfulRequests")).toEqual([90]);
    expect(value("Aoai429RatePercent")).toEqual([10]);
    // The availability SLO's bad events: 429s + 5xx, as a count (10 + 0).
    expect(value("AoaiUnavailableRequests")).toEqual([10]);
    expect(value("Aoai4xxRatePercent")).toEqual([10]);
    expect(value("Aoai5xxRatePercent")).toEqual([0]);
    expect(value("AoaiPromptTokens")).toEqual([6000]);
    expect(value("AoaiGeneratedTokens")).toEqual([2000]);
    expect(value("AoaiTokens")).toEqual([8000]);
    // Time to Response does not exist for Standard deployments: no TTFT, and that is no error.
    expect(value("AoaiTimeToFirstTokenMs")).toEqual([]);
    // 8,000 / 60,000 TPM and 100 / 360 RPM from properties.rateLimits.
    expect(value("AoaiTpmUtilizationPercent")[0]).toBeCloseTo(13.333, 2);
    expect(value("AoaiRpmUtilizationPercent")[0]).toBeCloseTo(27.778, 2);
    // 6 x $0.0025 + 2 x $0.01 = $0.035.
    expect(value("AoaiEstimatedCostUsd")[0]).toBeCloseTo(0.035, 9);
    const team = h.aws.datums.filter(
      (d) => d.name === "AoaiTeamEstimatedCostUsd" && d.dimensions.Team === "assistants" && d.timestamp === m,
    );
    expect(team.map((d) => d.value)[0]).toBeCloseTo(0.035, 9);
    expect(team[0]?.dimensions).toEqual({ Environment: "test", Team: "assistants" });
    expect(at("AoaiLatencyP99Ms", "gpt-4o", minuteAgo(12)).map((d) => d.value)).toEqual([4000]);
    expect(at("AoaiLatencyP50Ms", "gpt-4o", minuteAgo(12)).map((d) => d.value)).toEqual([800]);

    // Not settled: nothing for the last minute, nothing for the young log row.
    expect(at("AoaiRequests", "gpt-4o", minuteAgo(1))).toEqual([]);
    expect(at("AoaiLatencyP99Ms", "gpt-4o", minuteAgo(5))).toEqual([]);
    // Every deployment datum has exactly Environment + Deployment.
    for (const d of h.aws.datums.filter((x) => x.dimensions.Deployment))
      expect(Object.keys(d.dimensions).sort()).toEqual(["Deployment", "Environment"]);
    for (const d of h.aws.datums) expect(d.namespace).toBe("FleetWatch");

    // One log line per published (deployment, minute), for the "slowest-deployments" query.
    const minuteLines = h.logs.filter((l) => l.attributes?.event === "fleetwatch.aoai_minute" && l.attributes?.deployment === "gpt-4o");
    expect(minuteLines.find((l) => l.attributes?.minute === iso(m))?.attributes).toMatchObject({ requests: 100, rate429Percent: 10 });
    expect(minuteLines.find((l) => l.attributes?.minute === iso(minuteAgo(12)))?.attributes).toMatchObject({
      latencyP50Ms: 800,
      latencyP95Ms: 2000,
      latencyP99Ms: 4000,
    });

    // Two regions -> two batches; one getBatch call per metric family (requests, tokens, performance) each.
    // One Logs query per table, one ARM list per account.
    expect(h.azure.countOf("metrics")).toBe(6);
    expect(h.azure.countOf("logs")).toBe(2);
    expect(h.azure.countOf("deployments")).toBe(2);
  });

  test("empty timeseries (no traffic) publish nothing and are not an error", async () => {
    const summary = await h.poller.poll(NOW);
    expect(summary.errors).toEqual([]);
    const batch = h.azure.requests.find((r) => r.route === "metrics");
    expect(batch?.status).toBe(200);
    expect(h.aws.datums.filter((d) => d.dimensions.Deployment)).toEqual([]);
    expect(h.aws.named("AzureTelemetryStalenessSeconds").map((d) => d.value)).toEqual([0]);
  });

  test("a deployment with traffic but zero successes publishes successes = 0", async () => {
    const m = minuteAgo(6);
    // 40 x 500 + 10 x 429: 50 requests, none succeeded.
    seed(h.azure, { deployment: "gpt-4o-mini", at: m, statuses: { "500": 40, "429": 10 } });
    await h.poller.poll(NOW);
    expect(at("AoaiRequests", "gpt-4o-mini", m).map((d) => d.value)).toEqual([50]);
    expect(at("AoaiSuccessfulRequests", "gpt-4o-mini", m).map((d) => d.value)).toEqual([0]);
    expect(at("Aoai5xxRatePercent", "gpt-4o-mini", m).map((d) => d.value)).toEqual([80]);
    expect(at("Aoai429RatePercent", "gpt-4o-mini", m).map((d) => d.value)).toEqual([20]);
    // GlobalStandard capacity 10 without rateLimits: 60 RPM -> 50 / 60.
    expect(at("AoaiRpmUtilizationPercent", "gpt-4o-mini", m)[0]?.value).toBeCloseTo(83.333, 2);
  });

  test("a provisioned (PTU) deployment reports PTU utilisation as its quota utilisation", async () => {
    const m = minuteAgo(4);
    h.azure.metricValues.push({
      resourceId: ACCOUNT_EUS,
      metric: "AzureOpenAIProvisionedManagedUtilizationV2",
      dimensions: { ModelDeploymentName: "o4-mini" },
      timestamp: iso(m + 1000),
      average: 72.5,
    });
    await h.poller.poll(NOW);
    expect(at("AoaiProvisionedUtilizationPercent", "o4-mini", m).map((d) => d.value)).toEqual([72.5]);
    expect(at("AoaiTpmUtilizationPercent", "o4-mini", m).map((d) => d.value)).toEqual([72.5]);
  });
});

describe("late data", () => {
  test("a datapoint that arrives on the next poll is published once, not twice, across cold starts", async () => {
    const m = minuteAgo(6);
    seed(h.azure, { deployment: "gpt-4o", at: m, statuses: { "200": 30 } });
    await h.poller.poll(NOW);
    expect(at("AoaiRequests", "gpt-4o", m)).toHaveLength(1);
    // gpt-4o-mini's value for the same minute was not there yet.
    expect(at("AoaiRequests", "gpt-4o-mini", m)).toEqual([]);

    seed(h.azure, { deployment: "gpt-4o-mini", at: m, statuses: { "200": 12 } });
    await h.poller.poll(NOW + 60_000);
    expect(at("AoaiRequests", "gpt-4o-mini", m).map((d) => d.value)).toEqual([12]);

    const third = await h.poller.poll(NOW + 120_000);
    // Filtered by the watermark read, not merely rejected by the conditional claim.
    expect(third.claimConflicts).toBe(0);
    expect(third.alreadyPublished).toBeGreaterThan(0);
    expect(third.published).toBe(0);
    // A new container: the watermark lives in DynamoDB, not in memory.
    await h.newPoller().poll(NOW + 180_000);
    expect(at("AoaiRequests", "gpt-4o-mini", m)).toHaveLength(1);
    expect(at("AoaiRequests", "gpt-4o", m)).toHaveLength(1);
    expect(at("AoaiSuccessfulRequests", "gpt-4o", m)).toHaveLength(1);
  });

  test("two overlapping invocations publish a minute once (conditional claims)", async () => {
    const m = minuteAgo(5);
    seed(h.azure, { deployment: "gpt-4o", at: m, statuses: { "200": 7 }, prompt: 100, generated: 50 });
    const [a, b] = await Promise.all([h.newPoller().poll(NOW), h.newPoller().poll(NOW)]);
    expect(at("AoaiRequests", "gpt-4o", m)).toHaveLength(1);
    expect(at("AoaiEstimatedCostUsd", "gpt-4o", m)).toHaveLength(1);
    expect(a.claimConflicts + b.claimConflicts + a.alreadyPublished + b.alreadyPublished).toBeGreaterThan(0);
  });

  test("when CloudWatch rejects the batch, the claims are released and the next poll publishes", async () => {
    const m = minuteAgo(5);
    seed(h.azure, { deployment: "gpt-4o", at: m, statuses: { "200": 3 } });
    // The SDK retries 5xx itself (3 attempts by default): fail all of them.
    h.aws.putMetricDataFailures = 3;
    await expect(h.poller.poll(NOW)).rejects.toThrow();
    expect(at("AoaiRequests", "gpt-4o", m)).toEqual([]);
    await h.poller.poll(NOW + 60_000);
    expect(at("AoaiRequests", "gpt-4o", m).map((d) => d.value)).toEqual([3]);
  });
});

describe("logs", () => {
  test("a partial Log Analytics result is flagged and not published as complete", async () => {
    h.azure.logs.get(WORKSPACE_ID)?.set("AzureDiagnostics", {
      tables: [{ columns: DEPLOYMENT_LATENCY_COLUMNS, rows: [[SWC, "gpt-4o", iso(minuteAgo(15)), 10, 0, 0, 500, 700, 900]] }],
      error: {
        code: "PartialError",
        message: "There were some errors when processing your query.",
        details: [
          {
            code: "EngineError",
            message: "Something went wrong processing your query on the server.",
            innererror: { code: "-2133196797", message: "Query execution has exceeded the allowed limits" },
          },
        ],
      },
    });
    const summary = await h.poller.poll(NOW);
    expect(summary.partialLogQueries).toBe(1);
    expect(h.aws.named("AoaiLatencyP99Ms")).toEqual([]);
    const warn = h.logs.find((l) => l.level === "warn" && /partial/.test(l.message));
    expect(String(warn?.attributes?.error)).toContain("PartialError");
  });

  test("AppRequests rows become per-app-role log records, not metrics", async () => {
    h.azure.logs.get(WORKSPACE_ID)?.set("AppRequests", {
      tables: [
        {
          columns: APP_ROLE_LATENCY_COLUMNS,
          rows: [["chat-api", iso(minuteAgo(12)), 200, 10, 14, 120, 900, 2500]],
        },
      ],
    });
    await h.poller.poll(NOW);
    const rec = h.logs.find((l) => l.message === "app role minute");
    // 10 / 200 throttled, 14 / 200 failed.
    expect(rec?.attributes).toMatchObject({ appRole: "chat-api", requests: 200, p50Ms: 120, p99Ms: 2500 });
    expect(rec?.attributes?.throttledPercent).toBeCloseTo(5, 9);
    expect(rec?.attributes?.failedPercent).toBeCloseTo(7, 9);
    const query = h.azure.requests.find((r) => r.route === "logs" && r.body.includes("AppRequests"));
    expect(query?.path).toBe(`/v1/workspaces/${WORKSPACE_ID}/query`);
  });
});

describe("failures", () => {
  test("a 429 with Retry-After is retried after the delay and then succeeds", async () => {
    const m = minuteAgo(5);
    seed(h.azure, { deployment: "gpt-4o", at: m, statuses: { "200": 20 } });
    h.azure.fail("metrics", {
      status: 429,
      headers: { "Retry-After": "1" },
      body: { error: { code: "TooManyRequests", message: "The request was throttled." } },
    });
    const summary = await h.poller.poll(NOW);
    expect(summary.errors).toEqual([]);
    expect(h.azure.countOf("metrics")).toBe(7);
    expect(h.azure.requests.filter((r) => r.route === "metrics").map((r) => r.status)).toContain(429);
    const retry = h.logs.find((l) => l.message === "Azure call retried");
    expect(retry?.attributes).toMatchObject({ status: 429, delayMs: 1000 });
    expect(at("AoaiRequests", "gpt-4o", m).map((d) => d.value)).toEqual([20]);
  });

  test("529 and 5xx are retried with backoff", async () => {
    h.azure.fail(
      "logs",
      { status: 529, body: { error: { code: "Overloaded", message: "busy" } } },
      { status: 502, body: { error: { code: "BadGateway", message: "bad gateway" } } },
    );
    const summary = await h.poller.poll(NOW);
    expect(summary.errors).toEqual([]);
    expect(h.azure.countOf("logs")).toBe(4);
  });

  test("a Log Analytics failure is an error but not blindness: staleness follows the platform metrics", async () => {
    h.azure.logs.delete(WORKSPACE_ID);
    const summary = await h.poller.poll(NOW);
    expect(summary.errors.map((e) => [e.service, e.status])).toEqual([
      ["logs", 404],
      ["logs", 404],
    ]);
    expect(summary.azureReadOk).toBe(true);
    expect(h.aws.named("AzureTelemetryStalenessSeconds").map((d) => d.value)).toEqual([0]);
    expect(h.aws.named("AzurePollErrors").map((d) => d.value)).toEqual([2]);
  });

  test("a Retry-After longer than the poll can wait fails that call, and staleness rises", async () => {
    await h.poller.poll(NOW);
    h.azure.fail("metrics", {
      status: 429,
      headers: { "Retry-After": "120" },
      body: { error: { code: "TooManyRequests", message: "throttled" } },
    });
    const summary = await h.poller.poll(NOW + 180_000);
    expect(summary.azureReadOk).toBe(false);
    expect(summary.errors.map((e) => e.service)).toEqual(["metrics"]);
    expect(summary.stalenessSeconds).toBe(180);
    const staleness = h.aws.named("AzureTelemetryStalenessSeconds").map((d) => [d.timestamp - NOW, d.value]);
    expect(staleness).toEqual([
      [0, 0],
      [180_000, 180],
    ]);
    expect(h.aws.named("AzurePollErrors").map((d) => d.value)).toEqual([0, 1]);
  });

  test("point 8: getBatch 401 means no Monitoring Reader on the subscription; ARM 403 names its role", async () => {
    h.azure.deniedSubscriptions.add(SUB_A);
    const summary = await h.poller.poll(NOW);
    const metrics = summary.errors.find((e) => e.service === "metrics");
    expect(metrics?.status).toBe(401);
    expect(metrics?.message).toContain(`the service principal ${PRINCIPAL.clientId} needs Monitoring Reader on subscription ${SUB_A}`);
    const arm = summary.errors.find((e) => e.service === "deployments");
    expect(arm?.message).toContain(`needs Reader or Monitoring Reader on subscription ${SUB_A}`);
    expect(summary.stalenessSeconds).toBe(86_400);
  });

  test("point 8: getBatch 403 means the subscription is not registered for Microsoft.Insights", async () => {
    h.azure.unregisteredSubscriptions.add(SUB_A);
    const summary = await h.poller.poll(NOW);
    const metrics = summary.errors.filter((e) => e.service === "metrics");
    expect(metrics.length).toBeGreaterThan(0);
    for (const e of metrics) {
      expect(e.status).toBe(403);
      expect(e.message).toContain(`register the Microsoft.Insights resource provider`);
      expect(e.message).not.toContain("needs Monitoring Reader");
    }
  });

  test("a wrong client secret is reported naming the secret to fix, never its value", async () => {
    const wrong = "Wr0ng~client-secret.VALUE_9876";
    h.aws.secrets.set(SECRET_NAME, JSON.stringify({ ...PRINCIPAL, clientSecret: wrong }));
    const summary = await h.poller.poll(NOW);
    // One clear error, and no Azure data call attempted with a credential that cannot work.
    expect(summary.errors.map((e) => e.service)).toEqual(["auth"]);
    expect(h.azure.countOf("metrics") + h.azure.countOf("logs") + h.azure.countOf("deployments")).toBe(0);
    for (const e of summary.errors) {
      expect(e.message).toContain("AADSTS7000215");
      expect(e.message).toContain(`Secrets Manager secret ${SECRET_NAME}`);
      expect(e.message).not.toContain(wrong);
    }
    expect(JSON.stringify(h.logs)).not.toContain(wrong);
  });

  test("a secret without clientSecret is reported by field name", async () => {
    h.aws.secrets.set(SECRET_NAME, JSON.stringify({ tenantId: PRINCIPAL.tenantId, clientId: PRINCIPAL.clientId }));
    const summary = await h.poller.poll(NOW);
    expect(summary.errors[0]?.message).toContain("missing or empty: clientSecret");
    expect(h.aws.named("AzurePollErrors").map((d) => d.value)).toEqual([1]);
  });
});

test("the client secret never appears in logs, errors, metrics or SDK debug output", async () => {
  const { setLogLevel } = await import("@azure/logger");
  const written: string[] = [];
  const capture = (stream: NodeJS.WriteStream) => {
    const original = stream.write.bind(stream);
    // Swallowed, not forwarded: verbose SDK logging would flood the test output.
    stream.write = ((chunk: unknown) => {
      written.push(String(chunk));
      return true;
    }) as typeof stream.write;
    return () => {
      stream.write = original;
    };
  };
  const restoreOut = capture(process.stdout);
  const restoreErr = capture(process.stderr);
  setLogLevel("verbose");
  const errors: string[] = [];
  try {
    seed(h.azure, { deployment: "gpt-4o", at: minuteAgo(5), statuses: { "200": 1, "429": 1 } });
    h.azure.fail("metrics", {
      status: 429,
      headers: { "Retry-After": "0" },
      body: { error: { code: "TooManyRequests", message: "throttled" } },
    });
    h.azure.deniedSubscriptions.add(SUB_A);
    const summary = await h.poller.poll(NOW);
    errors.push(...summary.errors.map((e) => e.message));
    // And a token failure on a fresh container (new credential, new token request).
    h.azure.fail("token", {
      status: 500,
      body: { error: "server_error", error_description: "AADSTS90033: A transient error has occurred." },
    });
    const s2 = await h.newPoller().poll(NOW + 60_000);
    errors.push(...s2.errors.map((e) => e.message));
  } finally {
    setLogLevel("warning");
    restoreOut();
    restoreErr();
  }
  expect(errors.length).toBeGreaterThan(0);
  expect(written.join("").length).toBeGreaterThan(0);
  const everything = [written.join(""), JSON.stringify(h.logs), errors.join("\n"), h.aws.bodies.join("\n")].join("\n");
  expect(everything).not.toContain(PRINCIPAL.clientSecret);
  expect(everything).not.toContain(encodeURIComponent(PRINCIPAL.clientSecret));
  // It did travel where it must: the token request body.
  expect(h.azure.requests.some((r) => r.route === "token" && r.body.includes(encodeURIComponent(PRINCIPAL.clientSecret)))).toBe(true);
});

describe("issue 19: numbers that mean what Microsoft's metrics mean", () => {
  test("point 1: getBatch calls ask each metric only for an aggregation it supports; a per-metric error costs that metric, not the minute; staleness is per family", async () => {
    const m = minuteAgo(5);
    seed(h.azure, { deployment: "gpt-4o", at: m, statuses: { "200": 50 }, prompt: 1000, generated: 500, ttltMs: 900 });
    // Azure answers 200 with errorCode on one metric of the performance call.
    h.azure.metricErrors.set("AzureOpenAITTLTInMS", { code: "InternalServerError", message: "Metric values could not be retrieved." });
    const summary = await h.poller.poll(NOW);

    // Every call succeeded (the fake answers 400 to an aggregation a metric does not support).
    expect(h.azure.requests.filter((r) => r.route === "metrics").map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const aggregations = h.azure.requests.filter((r) => r.route === "metrics").map((r) => r.query.get("aggregation"));
    expect(new Set(aggregations)).toEqual(new Set(["total", "average"]));
    // Requests and tokens of the minute are published; only TTLT is missing.
    expect(at("AoaiRequests", "gpt-4o", m).map((d) => d.value)).toEqual([50]);
    expect(at("AoaiTokens", "gpt-4o", m).map((d) => d.value)).toEqual([1500]);
    expect(at("AoaiTimeToLastTokenMs", "gpt-4o", m)).toEqual([]);
    expect(summary.errors.map((e) => [e.service, e.code])).toEqual([
      ["metrics", "InternalServerError"],
      ["metrics", "InternalServerError"],
    ]);
    expect(summary.errors[0]?.message).toContain("AzureOpenAITTLTInMS");
    // The zero-success P1 trusts the requests family: it is fresh; the performance family is not.
    expect(summary.azureReadOk).toBe(true);
    expect(summary.familyStalenessSeconds).toEqual({ requests: 0, tokens: 0, performance: 86_400 });
    expect(h.aws.named("AzureTelemetryStalenessSeconds").map((d) => d.value)).toEqual([0]);
    const family = (f: string) => h.aws.named("AzureMetricFamilyStalenessSeconds").filter((d) => d.dimensions.MetricFamily === f)[0]?.value;
    expect([family("requests"), family("tokens"), family("performance")]).toEqual([0, 0, 86_400]);
  });

  test("point 1: the fake rejects what Azure rejects: mixing Total-only and Average-only metrics in one call is a 400", async () => {
    const { AzureMetricsReader, servicePrincipalCredential } = await import("../../lambdas/azure-openai-poller/adapters/azure-clients");
    const { retryPolicy } = await import("../../lambdas/azure-openai-poller/adapters/retry-policy");
    const { testCertificate } = await import("../../dev-support/tls");
    const opts = {
      endpoints: h.azure.endpoints(),
      retry: retryPolicy({ maxRetries: 0, maxRetryAfterMs: 0, baseDelayMs: 1 }, () => {}),
      ca: testCertificate().ca,
    };
    const reader = new AzureMetricsReader(servicePrincipalCredential(PRINCIPAL, opts), opts);
    const batch = {
      subscriptionId: SUB_A,
      region: "swedencentral",
      namespace: "Microsoft.CognitiveServices/accounts",
      resourceIds: [ACCOUNT_SWC],
    };
    const q = { batch, filter: "ModelDeploymentName eq '*'", start: new Date(minuteAgo(10)), end: new Date(minuteAgo(0)) };
    // What the poller used to send: tokens (Total only) and latency (Average/Min/Max only) together.
    await expect(
      reader.query({ ...q, metricNames: ["ProcessedPromptTokens", "AzureOpenAITimeToResponse"], aggregation: "total,average" }),
    ).rejects.toMatchObject({ statusCode: 400 });
    // StatusCode is not a dimension of the token metrics.
    await expect(
      reader.query({
        ...q,
        metricNames: ["ProcessedPromptTokens"],
        aggregation: "total",
        filter: "ModelDeploymentName eq '*' and StatusCode eq '*'",
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
    // A resource in another region than the endpoint's.
    await expect(
      reader.query({ ...q, batch: { ...batch, resourceIds: [ACCOUNT_EUS] }, metricNames: ["AzureOpenAIRequests"], aggregation: "total" }),
    ).rejects.toMatchObject({ statusCode: 400 });
    // Microsoft's example response shape, replayed: the per-metric errorCode is reported, the other metric parsed.
    const example = (await import("../../dev-support/azure-fixtures/metric-batch-response.json", { with: { type: "json" } })).default;
    h.azure.rawMetricsAnswer = example.body;
    const answer = await reader.query({ ...q, metricNames: ["AzureOpenAIRequests"], aggregation: "total" });
    expect(answer.errors).toEqual([
      {
        resourceId: ACCOUNT_SWC,
        metric: "ProcessedPromptTokens",
        code: "InternalServerError",
        message: "Metric values could not be retrieved for this metric.",
      },
    ]);
    expect(answer.series.map((s) => [s.metric, s.dimensions.statuscode, s.points.map((p) => p.total ?? null)])).toEqual([
      ["AzureOpenAIRequests", "200", [41, null, 37]],
      ["AzureOpenAIRequests", "429", [3, null, null]],
    ]);
  });

  test("point 2: TTFT is the streaming Time to Response (provisioned only); the normalised metric is published per token under its own name", async () => {
    const m = minuteAgo(5);
    seed(h.azure, { deployment: "gpt-4o", at: m, statuses: { "200": 5 }, ttftMs: 700, normalizedTtftMs: 0.4 });
    seed(h.azure, { account: ACCOUNT_EUS, deployment: "o4-mini", at: m, statuses: { "200": 5 }, ttftMs: 450, normalizedTtftMs: 0.6 });
    await h.poller.poll(NOW);
    // o4-mini is ProvisionedManaged: its Time to Response is its time to first token, in ms.
    expect(at("AoaiTimeToFirstTokenMs", "o4-mini", m).map((d) => d.value)).toEqual([450]);
    expect(at("AoaiNormalizedTimeToFirstBytePerTokenMs", "o4-mini", m).map((d) => d.value)).toEqual([0.6]);
    // gpt-4o is Standard: Azure has no Time to Response for it, so there is no TTFT to draw.
    expect(at("AoaiTimeToFirstTokenMs", "gpt-4o", m)).toEqual([]);
    expect(at("AoaiNormalizedTimeToFirstBytePerTokenMs", "gpt-4o", m).map((d) => d.value)).toEqual([0.4]);
  });

  test("point 4: latency percentiles from a shared workspace count only the account the deployment belongs to", async () => {
    const OTHER = `/subscriptions/${SUB_A}/resourceGroups/rg-other-env/providers/Microsoft.CognitiveServices/accounts/aoai-staging`;
    h.azure.logs.get(WORKSPACE_ID)?.set("AzureDiagnostics", {
      tables: [
        {
          columns: DEPLOYMENT_LATENCY_COLUMNS,
          rows: [
            [SWC, "gpt-4o", iso(minuteAgo(12)), 40, 0, 0, 800, 2000, 4000],
            // Another environment's account, same workspace, same deployment name.
            [OTHER.toLowerCase(), "gpt-4o", iso(minuteAgo(12)), 400, 0, 0, 5000, 9000, 12000],
          ],
        },
      ],
    });
    await h.poller.poll(NOW);
    expect(at("AoaiLatencyP99Ms", "gpt-4o", minuteAgo(12)).map((d) => d.value)).toEqual([4000]);
    const query = h.azure.requests.find((r) => r.route === "logs" && r.body.includes("AzureDiagnostics"))?.body ?? "";
    expect(query).toContain("_ResourceId");
    expect(query).toContain(SWC);
  });

  test("point 9: quotas are keyed by account and deployment: another account's gpt-4o never sets this one's TPM", async () => {
    const m = minuteAgo(5);
    // aoai-eus also has a gpt-4o (not watched by FleetWatch) with a tiny quota: 1,000 TPM.
    h.azure.deployments.set(ACCOUNT_EUS.toLowerCase(), [
      { name: "o4-mini", model: "o4-mini", sku: { name: "ProvisionedManaged", capacity: 50 } },
      { name: "gpt-4o", model: "gpt-4o", sku: { name: "Standard", capacity: 1 } },
    ]);
    seed(h.azure, { deployment: "gpt-4o", at: m, statuses: { "200": 10 }, prompt: 20_000, generated: 7_000 });
    await h.poller.poll(NOW);
    // 27,000 tokens against aoai-swc's own 60,000 TPM = 45 %, not 2,700 % of aoai-eus's.
    expect(at("AoaiTpmUtilizationPercent", "gpt-4o", m).map((d) => d.value)).toEqual([45]);
    // 10 requests against 360 RPM.
    expect(at("AoaiRpmUtilizationPercent", "gpt-4o", m)[0]?.value).toBeCloseTo(2.778, 2);
  });
});

test("point 5/7: a workspace where AzureDiagnostics does not exist yet answers a semantic error; it is reported, not blindness", async () => {
  h.azure.missingTables.set(WORKSPACE_ID, new Set(["AzureDiagnostics"]));
  const summary = await h.poller.poll(NOW);
  const logs = summary.errors.filter((e) => e.service === "logs");
  expect(logs.map((e) => [e.status, e.code])).toEqual([[400, "BadArgumentError"]]);
  expect(logs[0]?.message).toContain("invalid properties");
  expect(summary.azureReadOk).toBe(true);
  // The AppRequests query of the same workspace still ran.
  expect(h.azure.requests.filter((r) => r.route === "logs").map((r) => r.status)).toEqual([400, 200]);
});
