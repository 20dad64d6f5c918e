import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AlarmEventError, parseAlarmStateChange } from "../../lambdas/incident-recorder/alarm-event";
import { classifyAlarm } from "../../lambdas/incident-recorder/classify";
import { DynamoDbIncidentStore } from "../../lambdas/incident-recorder/incident-store";
import type { IncidentMetric } from "../../lambdas/incident-recorder/incidents";
import { recordChange } from "../../lambdas/incident-recorder/record";
import { startIncidentTable, stateChange } from "./support";

/** A Log that keeps each line's fields. */
const recorder = (lines: Record<string, unknown>[]) => {
  const keep = (_m: string, fields: Record<string, unknown> = {}) => void lines.push(fields);
  return { info: keep, warn: keep, error: keep };
};

const T0 = Date.parse("2026-11-22T10:05:10.123Z");
const MIN = 60_000;
const GPU_HOT = "FleetWatch/dev/gpu-temperature/critical/train-a";

describe("alarm state change events", () => {
  test("the documented example parses; CloudWatch's +0000 timestamps become epoch ms", () => {
    const change = parseAlarmStateChange(stateChange({ from: "OK", to: "ALARM", at: T0, previousAt: T0 - 3600_000 }));
    expect(change).toMatchObject({ alarmName: GPU_HOT, state: "ALARM", previousState: "OK", at: T0, previousAt: T0 - 3600_000 });
  });

  test("an event that is not an alarm state change is refused, naming the field", () => {
    expect(() => parseAlarmStateChange({ "detail-type": "Scheduled Event", source: "aws.events", region: "x", detail: {} })).toThrow(
      AlarmEventError,
    );
    expect(() => parseAlarmStateChange({ "detail-type": "Scheduled Event", source: "aws.events", region: "x", detail: {} })).toThrow(
      /detail-type/,
    );
  });

  test("tier, signal and scope come from the catalog; composite paging alarms and other environments are skipped", () => {
    expect(classifyAlarm(GPU_HOT, "dev")).toEqual({
      kind: "record",
      alarm: { tier: "P1", signal: "gpu-temperature", level: "critical", scope: "train-a" },
    });
    expect(classifyAlarm("FleetWatch/dev/gpu-temperature/warn/train-a", "dev")).toMatchObject({ alarm: { tier: "P2" } });
    expect(classifyAlarm("FleetWatch/dev/aoai-tpm-quota/warn/gpt-4o-chat", "dev")).toMatchObject({
      alarm: { tier: "P3", scope: "gpt-4o-chat" },
    });
    expect(classifyAlarm("FleetWatch/dev/bmc-telemetry-stale/warn/train-a/paging", "dev").kind).toBe("skip");
    expect(classifyAlarm(GPU_HOT, "prod").kind).toBe("skip");
  });
});

describe("incidents on DynamoDB (dynalite)", () => {
  let db: Awaited<ReturnType<typeof startIncidentTable>>;
  beforeAll(async () => {
    db = await startIncidentTable("incidents");
  });
  afterAll(async () => db?.close());

  function harness(alarmName: string) {
    const store = new DynamoDbIncidentStore(db.table, db.config);
    const lines: Record<string, unknown>[] = [];
    const metrics: { tier: string; metric: IncidentMetric }[] = [];
    const ports = {
      store,
      log: recorder(lines),
      publish: (tier: string, ms: readonly IncidentMetric[]) => {
        for (const metric of ms) metrics.push({ tier, metric });
      },
    };
    let last = { state: "OK" as "OK" | "ALARM" | "INSUFFICIENT_DATA", at: T0 - 86_400_000 };
    const to = async (state: "OK" | "ALARM" | "INSUFFICIENT_DATA", at: number) => {
      const event = stateChange({ alarmName, from: last.state, to: state, at, previousAt: last.at });
      last = { state, at };
      return recordChange(parseAlarmStateChange(event), ports, { environment: "dev", flapWindowMs: 15 * MIN });
    };
    const sum = (key: IncidentMetric["key"]) => metrics.filter((m) => m.metric.key === key).reduce((s, m) => s + m.metric.value, 0);
    return { to, lines, metrics, sum };
  }

  test("ALARM -> OK is one incident whose duration is the time between the two changes", async () => {
    const h = harness(GPU_HOT);
    await h.to("ALARM", T0);
    await h.to("OK", T0 + 42 * MIN);
    expect(h.sum("incidentsOpened")).toBe(1);
    expect(h.sum("incidentsResolved")).toBe(1);
    expect(h.sum("incidentResolutionSeconds")).toBe(42 * 60);
    expect(new Set(h.metrics.map((m) => m.tier))).toEqual(new Set(["P1"]));
    const resolved = h.lines.find((l) => l.action === "resolved")!;
    expect(resolved).toMatchObject({
      event: "fleetwatch.incident",
      tier: "P1",
      signal: "gpu-temperature",
      scope: "train-a",
      durationSeconds: 42 * 60,
      startedAt: new Date(T0).toISOString(),
      flaps: 0,
    });
  });

  test("a flap (ALARM, OK, ALARM within the window, OK) is one incident lasting from the first ALARM to the last OK", async () => {
    const h = harness("FleetWatch/dev/gpu-temperature/warn/train-b");
    await h.to("ALARM", T0);
    await h.to("OK", T0 + 10 * MIN);
    await h.to("ALARM", T0 + 14 * MIN); // 4 min after the OK: inside the 15-min flap window
    await h.to("OK", T0 + 30 * MIN);
    expect(h.sum("incidentsOpened")).toBe(1);
    expect(h.sum("incidentsResolved")).toBe(1);
    // MTTR = Σ resolution seconds / Σ resolved = the incident's whole duration.
    expect(h.sum("incidentResolutionSeconds") / h.sum("incidentsResolved")).toBe(30 * 60);
    expect(h.lines.map((l) => l.action)).toEqual(["opened", "resolved", "reopened", "resolved"]);
    const ids = new Set(h.lines.map((l) => l.incidentId));
    expect(ids.size).toBe(1);
    expect(h.lines.at(-1)).toMatchObject({ durationSeconds: 30 * 60, flaps: 1 });
  });

  test("an ALARM after the flap window is a new incident; duplicates and late events change nothing", async () => {
    const h = harness("FleetWatch/dev/fan-failed/warn/train-c");
    await h.to("ALARM", T0);
    await h.to("OK", T0 + 5 * MIN);
    await h.to("ALARM", T0 + 25 * MIN); // 20 min after the OK
    await h.to("INSUFFICIENT_DATA", T0 + 26 * MIN); // missing data does not resolve
    await h.to("OK", T0 + 35 * MIN);
    expect(h.sum("incidentsOpened")).toBe(2);
    expect(h.sum("incidentsResolved")).toBe(2);
    expect(h.sum("incidentResolutionSeconds")).toBe(5 * 60 + 10 * 60);
    // The same OK delivered again (EventBridge is at-least-once) is stale.
    const again = await recordChange(
      parseAlarmStateChange(
        stateChange({
          alarmName: "FleetWatch/dev/fan-failed/warn/train-c",
          from: "INSUFFICIENT_DATA",
          to: "OK",
          at: T0 + 35 * MIN,
          previousAt: T0 + 26 * MIN,
        }),
      ),
      { store: new DynamoDbIncidentStore(db.table, db.config), log: recorder([]), publish: () => expect.unreachable() },
      { environment: "dev", flapWindowMs: 15 * MIN },
    );
    expect(again?.action).toBe("stale");
  });

  test("an OK whose ALARM was never seen is still measured from the event's previousState timestamp", async () => {
    const h = harness("FleetWatch/dev/power-cap/warn/train-a");
    const event = stateChange({
      alarmName: "FleetWatch/dev/power-cap/warn/train-a",
      from: "ALARM",
      to: "OK",
      at: T0 + 20 * MIN,
      previousAt: T0,
    });
    await recordChange(
      parseAlarmStateChange(event),
      { store: new DynamoDbIncidentStore(db.table, db.config), log: recorder(h.lines), publish: () => {} },
      { environment: "dev", flapWindowMs: 15 * MIN },
    );
    expect(h.lines[0]).toMatchObject({ action: "resolved", durationSeconds: 20 * 60 });
  });
});
