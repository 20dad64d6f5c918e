/**
 * The Logs Insights queries over telemetry-ingest logs read fields the ingest really writes:
 * run the ingest's own finding code (aggregates.ts) on snapshots with every kind of trouble
 * and compare the field names per `event` with what each query reads.
 */

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, test } from "vitest";
import type { BmcSnapshot } from "../../core/snapshot";
import { logsInsightsQueries } from "../../dashboards/logs-insights/queries";
import { MINUTE_LOG_FIELDS } from "../../lambdas/azure-openai-poller/poll";
import { assessSnapshots, FleetState } from "../../lambdas/telemetry-ingest/aggregates";
import { ASSESS_OPTIONS, TROUBLED, UNREACHABLE } from "./troubled-snapshots";

test("every field an ingest query reads is written by the ingest for that event", () => {
  const options = ASSESS_OPTIONS;
  const state = new FleetState();
  // The unreachable BMC answered ten minutes earlier, so its finding carries lastGoodAt.
  assessSnapshots([{ ...UNREACHABLE, status: "ok", errors: [], collectedAt: "2026-11-22T09:50:00.000Z" } as BmcSnapshot], state, options);
  const { findings } = assessSnapshots([TROUBLED, UNREACHABLE], state, options);
  const fieldsByEvent = new Map<string, Set<string>>();
  for (const f of findings) {
    const set = fieldsByEvent.get(f.event) ?? new Set<string>();
    for (const k of Object.keys(f)) set.add(k);
    fieldsByEvent.set(f.event, set);
  }
  // Dead letters are logged by the handler itself: take the keys of that logger call from its source.
  const handler = readFileSync(resolve(import.meta.dirname, "../../lambdas/telemetry-ingest/handler.ts"), "utf8");
  const call = /logger\.warn\("fleetwatch\.dead_letter", \{([\s\S]*?)\n\s*\}\);/.exec(handler);
  expect(call, "handler.ts logs fleetwatch.dead_letter").not.toBeNull();
  fieldsByEvent.set("fleetwatch.dead_letter", new Set([...call![1]!.matchAll(/\b([a-zA-Z]+):/g)].map((m) => m[1]!)));
  const ingestQueries = logsInsightsQueries().filter((q) => q.event !== undefined && q.sources.includes("telemetry-ingest"));
  expect(ingestQueries.length).toBeGreaterThanOrEqual(5);
  for (const q of ingestQueries) {
    const written = fieldsByEvent.get(q.event!);
    expect(written, `${q.id}: the ingest writes no ${q.event} lines`).toBeDefined();
    for (const field of q.reads) expect([...written!], `${q.id} reads ${field}`).toContain(field);
  }
});

test("every field the slowest-deployments query reads is written on the Azure poller's minute line", () => {
  const query = logsInsightsQueries().find((q) => q.id === "slowest-deployments");
  expect(query?.event).toBe("fleetwatch.aoai_minute");
  const written = new Set(["event", "deployment", "minute", ...Object.values(MINUTE_LOG_FIELDS)]);
  for (const field of query?.reads ?? []) expect([...written], `slowest-deployments reads ${field}`).toContain(field);
});
