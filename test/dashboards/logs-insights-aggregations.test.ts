/**
 * Aggregations that mean something: Logs Insights' max/min/avg/sum compute over numbers, so a
 * query may only apply them to fields the emitter writes as numbers (an ISO timestamp or a
 * boolean gives no meaningful maximum); slow-bmcs groups by a key each of its two log lines
 * fills; the executive SLA is Σ5xx / Σrequests, not an average rate times the requests.
 */
import { expect, test } from "vitest";
import { executiveDashboard } from "../../dashboards/executive";
import { logsInsightsQueries } from "../../dashboards/logs-insights/queries";
import { allWidgets } from "../../dashboards/spec";
import { assessSnapshots, FleetState } from "../../lambdas/telemetry-ingest/aggregates";
import { loadConfig } from "../../lib/config/load";
import { ASSESS_OPTIONS, TROUBLED } from "./troubled-snapshots";

test("numeric aggregations in the ingest queries read numeric fields only", () => {
  const { findings } = assessSnapshots([TROUBLED], new FleetState(), ASSESS_OPTIONS);
  const byEvent = new Map<string, Record<string, unknown>>();
  for (const f of findings) byEvent.set(f.event, { ...byEvent.get(f.event), ...(f as unknown as Record<string, unknown>) });
  let checked = 0;
  for (const q of logsInsightsQueries()) {
    const line = q.event ? byEvent.get(q.event) : undefined;
    if (!line) continue;
    for (const stats of q.stats ?? []) {
      for (const m of stats.matchAll(/\b(max|min|avg|sum|pct)\(([A-Za-z]\w*)\)/g)) {
        const value = line[m[2]!];
        if (value === undefined) continue;
        expect(typeof value, `${q.id}: ${m[0]} over ${JSON.stringify(value)}`).toBe("number");
        checked++;
      }
    }
  }
  expect(checked).toBeGreaterThanOrEqual(5);
});

test("slow-bmcs groups by a key that both of its log lines fill", () => {
  const q = logsInsightsQueries().find((x) => x.id === "slow-bmcs")!;
  // The poller's two lines (lambdas/redfish-poller/run-shard.ts): the shard summary and a failed BMC.
  const lines = [
    { message: "shard swept", shard: 3, bmcs: 250, sweepMs: 41_000 },
    { message: "BMC poll not ok", cluster: "lab-a", bmc: "10.20.0.11", status: "unreachable", errors: ["connect ETIMEDOUT"] },
  ];
  const by = /\bby\s+(.+)$/
    .exec(q.stats!.join(" "))![1]!
    .split(",")
    .map((s) => s.trim());
  for (const key of by) {
    const computed = (q.fields ?? []).find((f) => f.endsWith(` as ${key}`));
    const sources = computed ? [...computed.matchAll(/\b(bmc|shard|cluster|message)\b/g)].map((m) => m[1]!) : [key];
    for (const line of lines)
      expect(
        sources.some((s) => s in line),
        `${key} is empty for "${line.message}"`,
      ).toBe(true);
  }
});

test("the executive SLA weighs 5xx by requests: Σ5xx requests / Σ requests, no averaged rate", () => {
  const widgets = allWidgets(executiveDashboard(loadConfig("dev"))).filter((w) => JSON.stringify(w).includes("SLA availability"));
  expect(widgets.length).toBeGreaterThan(0);
  const sla = JSON.stringify(widgets);
  expect(sla).toContain('"aoai5xxRequests"');
  expect(sla).not.toContain('"aoai5xxRatePercent"');
});
