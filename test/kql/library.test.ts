import { describe, expect, it } from "vitest";
import { KQL_LIBRARY, queryKey } from "../../core/kql/library";
import { renderQuery } from "../../core/kql/render";
import { TABLE_SCHEMAS } from "../../core/kql/schemas";
import { loadConfig } from "../../lib/config/load";
import { analyse, analyseWithResult, errorsOf } from "./kusto-analyser";

const REQUIRED_QUESTIONS = [
  "high-latency-over-slo",
  "throttling-429-rate",
  "gpu-utilisation-vs-throughput",
  "token-consumption-by-deployment",
  "error-rate-spike-vs-baseline",
  "latency-percentiles",
];

describe("KQL library contents", () => {
  it("answers every required question for both Application Insights and AzureDiagnostics", () => {
    for (const id of REQUIRED_QUESTIONS) {
      const flavours = KQL_LIBRARY.filter((q) => q.id === id).map((q) => q.flavour);
      expect(flavours.sort(), id).toEqual(["appInsights", "azureDiagnostics"]);
    }
  });

  it("has unique keys, and each flavour reads its own request table", () => {
    const keys = KQL_LIBRARY.map(queryKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const q of KQL_LIBRARY) {
      expect(q.tables).toContain(q.flavour === "appInsights" ? "AppDependencies" : "AzureDiagnostics");
      expect(q.name.length).toBeGreaterThan(0);
      expect(q.description.length).toBeGreaterThan(20);
    }
  });

  it("filters AzureDiagnostics to Azure OpenAI RequestResponse rows", () => {
    for (const q of KQL_LIBRARY.filter((q) => q.tables.includes("AzureDiagnostics"))) {
      expect(q.body, queryKey(q)).toContain('ResourceProvider == "MICROSOFT.COGNITIVESERVICES" and Category == "RequestResponse"');
      expect(q.body, queryKey(q)).toContain("parse_json(properties_s)");
    }
  });

  it("uses every declared parameter", () => {
    for (const q of KQL_LIBRARY) {
      for (const parameter of q.parameters)
        expect(q.body, `${queryKey(q)} ${parameter.name}`).toMatch(new RegExp(`\\b${parameter.name}\\b`));
    }
  });
});

describe("KQL library against Microsoft's parser", () => {
  it.each(KQL_LIBRARY.map((q) => [queryKey(q), q] as const))("%s parses and analyses with no errors", (_key, query) => {
    const diagnostics = analyse(renderQuery(query), query.tables);
    expect(errorsOf(diagnostics)).toEqual([]);
  });

  it("every query also analyses cleanly with each environment's real SLOs bound", () => {
    for (const env of ["dev", "prod"]) {
      const azure = loadConfig(env).azure;
      if (!azure) continue;
      const sloByDeployment = Object.fromEntries(azure.accounts.flatMap((a) => a.deployments.map((d) => [d.name, d.sloP99Ms])));
      for (const q of KQL_LIBRARY.filter((q) => q.parameters.some((p) => p.name === "sloByDeployment"))) {
        const text = renderQuery(q, { sloByDeployment, deploymentFilter: azure.accounts[0]?.deployments[0]?.name ?? "" });
        expect(errorsOf(analyse(text, q.tables)), `${env} ${queryKey(q)}`).toEqual([]);
      }
    }
  });
});

describe("alert queries produce what their rules aggregate", () => {
  it.each(KQL_LIBRARY.filter((q) => q.alert).map((q) => [queryKey(q), q] as const))("%s", (_key, query) => {
    const { diagnostics, resultColumns } = analyseWithResult(renderQuery(query), query.tables);
    expect(errorsOf(diagnostics)).toEqual([]);
    const alert = query.alert;
    if (!alert) throw new Error("unreachable");
    for (const dimension of alert.dimensions) expect(resultColumns[dimension], dimension).toBe("string");
    if (alert.timeAggregation === "Count") expect(alert.metricMeasureColumn).toBeUndefined();
    else expect(["real", "long", "int"]).toContain(resultColumns[alert.metricMeasureColumn ?? "(missing)"]);
    expect(query.body).not.toMatch(/\|\s*render\b/);
  });
});

describe("the validation catches broken queries (negative tests)", () => {
  const base = KQL_LIBRARY.find((q) => q.id === "latency-percentiles" && q.flavour === "azureDiagnostics");
  if (!base) throw new Error("latency-percentiles missing");
  const text = renderQuery(base);

  it("reports an unknown column", () => {
    const errors = errorsOf(analyse(text.replace("percentile(DurationMs, 99)", "percentile(DurationMillis, 99)"), base.tables));
    expect(errors.map((e) => e.message).join("\n")).toMatch(/DurationMillis/);
  });

  it("reports an unknown table", () => {
    const errors = errorsOf(analyse(text.replace("AzureDiagnostics\n", "AzureDiagnostic\n"), base.tables));
    expect(errors.map((e) => e.message).join("\n")).toMatch(/AzureDiagnostic\b/);
  });

  it("reports a table the query reads but does not declare", () => {
    const gpu = KQL_LIBRARY.find((q) => q.id === "gpu-utilisation-vs-throughput" && q.flavour === "azureDiagnostics");
    if (!gpu) throw new Error("gpu query missing");
    const errors = errorsOf(analyse(renderQuery(gpu), ["AzureDiagnostics"]));
    expect(errors.map((e) => e.message).join("\n")).toMatch(/AzureMetrics/);
  });

  it("reports an unknown function", () => {
    const errors = errorsOf(analyse(text.replace("percentile(DurationMs, 50)", "percentil(DurationMs, 50)"), base.tables));
    expect(errors.map((e) => e.message).join("\n")).toMatch(/percentil\b/);
  });

  it("reports a syntax error", () => {
    expect(errorsOf(analyse(text.replace("| summarize", "| summarize by"), base.tables)).length).toBeGreaterThan(0);
    expect(errorsOf(analyse(`${text} |`, base.tables)).length).toBeGreaterThan(0);
  });

  it("reports an undeclared parameter", () => {
    const withoutLet = text.replace(/^let binSize = .*$/m, "");
    expect(
      errorsOf(analyse(withoutLet, base.tables))
        .map((e) => e.message)
        .join("\n"),
    ).toMatch(/binSize/);
  });

  it("declares the documented columns (spot check against the Azure Monitor Logs table reference)", () => {
    expect(TABLE_SCHEMAS.AzureDiagnostics.properties_s).toBe("string");
    expect(TABLE_SCHEMAS.AzureDiagnostics.DurationMs).toBe("long");
    expect(TABLE_SCHEMAS.AppRequests.DurationMs).toBe("real");
    expect(TABLE_SCHEMAS.AppRequests.ItemCount).toBe("int");
  });
});
