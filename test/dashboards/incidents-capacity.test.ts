/**
 * Issue-18 panels: incidents (executive, engineering), forecast and regional headroom
 * (capacity). Their metric math is evaluated by the preview's evaluator on sample series, their
 * Logs Insights queries are the saved ones and read only fields the Lambdas write.
 */
import { describe, expect, test } from "vitest";
import { capacityDashboard } from "../../dashboards/capacity";
import { engineeringDashboard } from "../../dashboards/engineering";
import { executiveDashboard } from "../../dashboards/executive";
import { incidentAndCapacityQueries, queryText } from "../../dashboards/logs-insights/queries";
import { allWidgets, type GraphWidgetSpec, type LogsWidgetSpec } from "../../dashboards/spec";
import { runForecast } from "../../lambdas/capacity-forecast/run-forecast";
import { runHeadroom } from "../../lambdas/capacity-forecast/run-headroom";
import { parseAlarmStateChange } from "../../lambdas/incident-recorder/alarm-event";
import { applyChange } from "../../lambdas/incident-recorder/incidents";
import { capacitySettings } from "../../lib/capacity/capacity-settings";
import { loadConfig } from "../../lib/config/load";
import { sampleGraph } from "../../scripts/dashboards-preview/render-html";
import { stateChange } from "../incidents/support";

const config = loadConfig("dev");
const graphNamed = (widgets: ReturnType<typeof allWidgets>, prefix: string) =>
  widgets.find((w): w is GraphWidgetSpec => w.type === "graph" && w.title.startsWith(prefix))!;
const logsNamed = (widgets: ReturnType<typeof allWidgets>, prefix: string) =>
  widgets.find((w): w is LogsWidgetSpec => w.type === "logs" && w.title.startsWith(prefix))!;

describe("incident panels", () => {
  const exec = executiveDashboard(config);
  const widgets = allWidgets(exec);

  test("MTTR per tier is Σ resolution seconds / Σ resolved / 60, evaluated on sample series", () => {
    const mttr = graphNamed(widgets, "MTTR over the range");
    expect(mttr.queries.filter((q) => q.kind === "expression").map((q) => q.kind === "expression" && q.expression)).toEqual([
      "rs0 / rn0 / 60",
      "rs1 / rn1 / 60",
      "rs2 / rn2 / 60",
    ]);
    expect(mttr.queries.filter((q) => q.kind === "metric").map((q) => q.kind === "metric" && q.dimensions.Tier)).toEqual([
      "P1",
      "P2",
      "P3",
      "P1",
      "P2",
      "P3",
    ]);
    const series = sampleGraph(mttr, exec, config);
    expect(series.map((s) => s.label)).toEqual(["P1 MTTR (min)", "P2 MTTR (min)", "P3 MTTR (min)"]);
    for (const s of series) expect(Number.isFinite(s.values.at(-1)!)).toBe(true);
  });

  test("incidents per tier per week: weekly bars of IncidentsOpened per tier", () => {
    const perWeek = graphNamed(widgets, "Incidents per tier per week");
    expect(perWeek.periodSeconds).toBe(7 * 86_400);
    expect(perWeek.view).toBe("bar");
    expect(sampleGraph(perWeek, exec, config).map((s) => s.label)).toEqual(["P1 incidents", "P2 incidents", "P3 incidents"]);
  });

  test("engineering lists the last incidents with the saved `incidents` query over the recorder's log", () => {
    const last = logsNamed(allWidgets(engineeringDashboard(config)), "Last incidents");
    const saved = incidentAndCapacityQueries().find((q) => q.id === "incidents")!;
    expect(last.sources).toEqual(["incident-recorder"]);
    expect(last.query).toBe(queryText(saved));
  });

  test("the incidents query reads only fields the recorder writes on a resolved line", () => {
    const t = Date.parse("2026-11-22T10:00:00Z");
    const alarm = { tier: "P1" as const, signal: "gpu-temperature", level: "critical", scope: "lab-a" };
    const opened = applyChange(
      undefined,
      parseAlarmStateChange(stateChange({ from: "OK", to: "ALARM", at: t, previousAt: t - 1e6 })),
      alarm,
    );
    const resolved = applyChange(
      opened.next,
      parseAlarmStateChange(stateChange({ from: "ALARM", to: "OK", at: t + 600_000, previousAt: t })),
      alarm,
    );
    expect(resolved.log.action).toBe("resolved");
    const written = Object.keys(resolved.log);
    for (const field of incidentAndCapacityQueries().find((q) => q.id === "incidents")!.reads) expect(written).toContain(field);
  });
});

describe("forecast and headroom panels", () => {
  const prod = loadConfig("prod");
  const cap = capacityDashboard(prod);
  const widgets = allWidgets(cap);

  test("the token forecast is drawn per deployment and horizon against the 100 % capacity line", () => {
    const g = graphNamed(widgets, "Tokens per day, projected");
    const deployments = new Set(prod.azure!.accounts.flatMap((a) => a.deployments.map((d) => d.name)));
    expect(g.queries).toHaveLength(deployments.size * 3);
    expect(new Set(g.queries.map((q) => q.kind === "metric" && q.dimensions.HorizonDays))).toEqual(new Set(["30", "60", "90"]));
    expect(g.thresholds.map((t) => t.value)).toEqual([100]);
  });

  test("GPUs: the fleet total per horizon is SUM over the clusters, against the GPUs the daily budget affords", () => {
    const g = graphNamed(widgets, "GPUs reporting, projected");
    const affordable = prod.budgets.dailyGpuBudgetUsd / (24 * prod.budgets.gpuHourUsd);
    expect(g.thresholds[0]!.value).toBeCloseTo(affordable, 9);
    const totals = sampleGraph(g, cap, prod).filter((s) => s.label.startsWith("all clusters"));
    expect(totals).toHaveLength(3);
    const perCluster = sampleGraph(g, cap, prod).filter((s) => s.label.endsWith("+30 d") && !s.label.startsWith("all"));
    const last = (v: number[]) => v.at(-1)!;
    expect(last(totals[0]!.values)).toBeCloseTo(
      perCluster.reduce((s, x) => s + last(x.values), 0),
      6,
    );
  });

  test("regional headroom: one line per region x model and the P3 line from the catalog (following overrides)", () => {
    const g = graphNamed(widgets, "Regional quota headroom");
    const pairs = new Set(prod.azure!.accounts.flatMap((a) => a.deployments.map((d) => `${a.region} · ${d.model}`)));
    expect(g.queries.filter((q) => q.id.startsWith("qh")).map((q) => q.label)).toEqual([...pairs]);
    expect(g.thresholds[0]).toMatchObject({ value: 20, signal: { id: "aoai-regional-headroom", level: "warn" } });
    const overridden = { ...prod, thresholds: { ...prod.thresholds, "aoai-regional-headroom": { warn: 35 } } };
    expect(graphNamed(allWidgets(capacityDashboard(overridden)), "Regional quota headroom").thresholds[0]!.value).toBe(35);
  });

  test("the capacity queries read only fields the capacity-forecast Lambda logs", async () => {
    const settings = capacitySettings(prod);
    const fields = new Map<string, Set<string>>();
    const record = (_m: string, f: Record<string, unknown> = {}) => {
      const set = fields.get(String(f.event)) ?? new Set<string>();
      for (const k of Object.keys(f)) set.add(k);
      fields.set(String(f.event), set);
    };
    const log = { info: record, warn: record, error: record };
    const sink = { publish: async () => {} };
    const daily = async (qs: readonly { id: string }[], from: Date, to: Date) =>
      new Map(
        qs.map((q) => [
          q.id,
          Array.from({ length: Math.round((to.getTime() - from.getTime()) / 86_400_000) }, (_, k) => ({
            day: from.getTime() + k * 86_400_000,
            value: 1000 + 50 * k,
          })),
        ]),
      );
    await runForecast(settings, { history: { daily }, sink, log }, new Date("2026-11-23T00:15:00Z"), {
      capacity: new Map(settings.deployments.map((d) => [d.name, { skuName: "Standard", capacity: 1 }])),
    });
    // One regional quota row with one FleetWatch deployment in it: enough for every headroom field.
    const quotaRow = {
      region: "swedencentral",
      usages: [{ name: "OpenAI.Standard.gpt-4o", currentValue: 1, limit: 2 }],
      models: [],
      deployments: [{ account: "a", deployment: settings.deployments[0]!.name, model: "gpt-4o", skuName: "Standard", capacity: 1 }],
    };
    await runHeadroom(settings, { quota: { read: async () => [quotaRow] }, sink, log }, new Date());
    const queries = incidentAndCapacityQueries().filter((q) => q.sources.includes("capacity-forecast"));
    expect(queries.map((q) => q.id).sort()).toEqual(["forecast-backtest", "forecast-crossings", "quota-headroom"]);
    for (const q of queries) {
      const written = fields.get(q.event!);
      expect(written, `${q.id}: nothing logs ${q.event}`).toBeDefined();
      for (const f of q.reads) expect([...written!], `${q.id} reads ${f}`).toContain(f);
    }
  });
});
