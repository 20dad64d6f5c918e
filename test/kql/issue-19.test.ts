/**
 * The KQL that meets Azure: the library's account filter (_ResourceId), what Log Analytics can
 * really hold (metrics diagnostic settings cannot export, GenAI client spans in AppDependencies),
 * the rate limiter's reservation, the zero-success rule's timing and who pages for what; and the
 * queries the poller itself sends, through Microsoft's parser like the saved library.
 */
import { describe, expect, it } from "vitest";
import { SIGNAL_IDS } from "../../core/catalog/signals";
import { KQL_LIBRARY, queryKey } from "../../core/kql/library";
import { renderQuery } from "../../core/kql/render";
import supported from "../../dev-support/azure-fixtures/cognitive-services-metrics.json" with { type: "json" };
import { appRoleLatencyQuery, deploymentLatencyQuery } from "../../lambdas/azure-openai-poller/kql";
import { analyseWithResult, errorsOf } from "./kusto-analyser";

const ACCOUNTS = [
  "/subscriptions/00000000-0000-4000-8000-0000000000a1/resourcegroups/rg-ai/providers/microsoft.cognitiveservices/accounts/aoai-swc",
  "/subscriptions/00000000-0000-4000-8000-0000000000a1/resourcegroups/rg-ai/providers/microsoft.cognitiveservices/accounts/aoai-eus",
];

const minutes = (iso: string) => {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(iso);
  if (!m) throw new Error(`not a duration: ${iso}`);
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
};

describe("point 4: AzureDiagnostics queries read only this environment's accounts (_ResourceId)", () => {
  const diagnostics = KQL_LIBRARY.filter((q) => q.tables.includes("AzureDiagnostics"));
  it.each(diagnostics.map((q) => [queryKey(q), q] as const))("%s filters by _ResourceId and analyses with real account ids", (_k, q) => {
    expect(q.body).toMatch(/tolower\(_ResourceId\) in \(accountResourceIds\)/);
    const text = renderQuery(q, { accountResourceIds: ACCOUNTS });
    expect(errorsOf(analyseWithResult(text, q.tables).diagnostics)).toEqual([]);
    expect(text).toContain(ACCOUNTS[0]);
  });
});

describe("point 7: the library reads only what Log Analytics actually holds", () => {
  const exportable = new Set(
    Object.entries(supported.metrics)
      .filter(([, m]) => m.dsExport)
      .map(([name]) => name),
  );
  const known = new Set(Object.keys(supported.metrics));
  it("no query reads from AzureMetrics a metric diagnostic settings cannot export (e.g. PTU utilisation V2)", () => {
    for (const q of KQL_LIBRARY.filter((x) => x.tables.includes("AzureMetrics"))) {
      const names = q.parameters.map((p) => p.default).filter((v): v is string => typeof v === "string" && known.has(v));
      expect(names.length, queryKey(q)).toBeGreaterThan(0);
      for (const n of names) expect(exportable.has(n), `${queryKey(q)} reads ${n}`).toBe(true);
      expect(q.body, queryKey(q)).not.toContain("AzureOpenAIProvisionedManagedUtilizationV2");
    }
  });
  it("queries on OpenTelemetry GenAI attributes read the client spans in AppDependencies, never AppRequests", () => {
    for (const q of KQL_LIBRARY) {
      const readsGenAi = q.parameters.some((p) => typeof p.default === "string" && p.default.startsWith("gen_ai."));
      if (!readsGenAi) continue;
      expect(q.tables, queryKey(q)).toContain("AppDependencies");
      expect(q.tables, queryKey(q)).not.toContain("AppRequests");
      expect(q.body, queryKey(q)).toMatch(/\bAppDependencies\n\| where TimeGenerated/);
    }
  });
});

describe("point 3: what the rate limiter counts", () => {
  it("a query estimates the limiter's reservation (input tokens + max_tokens) per deployment and minute", () => {
    const q = KQL_LIBRARY.find((x) => x.id === "tpm-reservation-by-deployment");
    if (!q) throw new Error("tpm-reservation-by-deployment is missing");
    expect(q.parameters.find((p) => p.name === "maxTokensProperty")?.default).toBe("gen_ai.request.max_tokens");
    expect(q.parameters.find((p) => p.name === "binSize")?.default).toBe("1m");
    const { diagnostics, resultColumns } = analyseWithResult(renderQuery(q), q.tables);
    expect(errorsOf(diagnostics)).toEqual([]);
    expect(resultColumns).toMatchObject({ deployment: "string", reservedTokens: "long", processedTokens: "long" });
  });
});

describe("point 6: who pages for what", () => {
  const alerts = KQL_LIBRARY.filter((q) => q.alert);
  it("every log alert that duplicates a catalog alarm names it, so the intake pages it only while AWS is blind", () => {
    for (const q of alerts) {
      const twin = q.alert?.cloudWatchTwin;
      expect(twin, queryKey(q)).toBeDefined();
      expect(SIGNAL_IDS, queryKey(q)).toContain(twin);
    }
  });
  it("the zero-success rule evaluates only settled minutes: logs arrive 3-10 minutes late", () => {
    for (const q of alerts.filter((x) => x.id === "alert-zero-successful-requests")) {
      const alert = q.alert;
      if (!alert) throw new Error("unreachable");
      const delay = q.parameters.find((p) => p.name === "ingestionDelay")?.default;
      expect(delay).toBe("10m");
      expect(q.body).toContain("TimeGenerated < ago(ingestionDelay)");
      // At least 5 complete minutes are judged, and not re-judged every minute over partial data.
      expect(minutes(alert.windowSize) - 10).toBeGreaterThanOrEqual(5);
      expect(minutes(alert.evaluationFrequency)).toBeGreaterThanOrEqual(5);
      expect(q.parameters.find((p) => p.name === "lookback")?.default).toBe(`${minutes(alert.windowSize)}m`);
    }
  });
});

describe("the KQL the poller runs, through Microsoft's parser like the saved library", () => {
  const start = new Date("2026-11-22T10:00:00Z");
  const end = new Date("2026-11-22T10:30:00Z");
  it("per account and deployment from AzureDiagnostics", () => {
    const q = deploymentLatencyQuery([{ resourceId: ACCOUNTS[0] as string, deployments: ["gpt-4o"] }], start, end);
    const { diagnostics, resultColumns } = analyseWithResult(q, ["AzureDiagnostics"]);
    expect(errorsOf(diagnostics)).toEqual([]);
    expect(Object.keys(resultColumns).slice(0, 3)).toEqual(["Account", "Deployment", "Minute"]);
  });
  it("per app role from AppRequests", () => {
    expect(errorsOf(analyseWithResult(appRoleLatencyQuery(start, end), ["AppRequests"]).diagnostics)).toEqual([]);
  });
});
