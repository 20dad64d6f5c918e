/**
 * What PagerDuty's CloudWatch integration receives: the SNS notification whose Message is the
 * CloudWatch alarm JSON. To open an incident it needs AlarmName (de-duplication key),
 * NewStateValue ALARM, a reason/description; to resolve it, the same AlarmName with
 * NewStateValue OK. Both Trigger shapes (single metric, metric math) must survive enrichment.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { BmcSnapshot } from "../../core/snapshot";
import { alarmSubject, MAX_SUBJECT } from "../../lambdas/p1-enricher/alarm-message";
import { forwardPage } from "../../lambdas/p1-enricher/page";

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as { Subject: string; Message: Record<string, unknown> };

const snapshot = (
  bmc: string,
  collectedAt: string,
  gpus: { id: string; temperatureC: number; eccUncorrectable?: number }[],
): BmcSnapshot => ({
  schema: "fleetwatch.bmc-snapshot.v1",
  environment: "prod",
  cluster: "train-a",
  bmc,
  collectedAt,
  durationMs: 800,
  requests: 3,
  status: "ok",
  errors: [],
  components: gpus.map((g) => ({ kind: "gpu" as const, ...g })),
});

const window: BmcSnapshot[] = [
  snapshot("10.64.0.17", "2026-11-22T10:01:00.000Z", [{ id: "GPU_SXM_3", temperatureC: 84 }]),
  snapshot("10.64.0.17", "2026-11-22T10:04:00.000Z", [
    { id: "GPU_SXM_1", temperatureC: 70 },
    { id: "GPU_SXM_3", temperatureC: 87 },
  ]),
  snapshot("10.64.0.42", "2026-11-22T10:04:00.000Z", [{ id: "GPU_SXM_5", temperatureC: 62 }]),
];

async function deliver(subject: string, message: unknown, readWindow?: (cluster: string, from: Date, to: Date) => Promise<BmcSnapshot[]>) {
  const published: { subject: string; message: string }[] = [];
  const calls: { cluster: string; from: Date; to: Date }[] = [];
  await forwardPage(subject, JSON.stringify(message), {
    windowMinutes: 10,
    thresholds: {},
    ...(readWindow
      ? {
          readWindow: async (cluster: string, from: Date, to: Date) => {
            calls.push({ cluster, from, to });
            return readWindow(cluster, from, to);
          },
        }
      : {}),
    publish: async (s, m) => {
      published.push({ subject: s, message: m });
    },
  });
  expect(published).toHaveLength(1);
  return { ...published[0]!, body: JSON.parse(published[0]!.message) as Record<string, unknown>, calls };
}

/** The fields PagerDuty's CloudWatch integration reads to open/resolve. */
function expectPagerDutyFields(body: Record<string, unknown>, original: Record<string, unknown>, state: "ALARM" | "OK") {
  expect(body.AlarmName).toBe(original.AlarmName);
  expect(body.NewStateValue).toBe(state);
  for (const field of ["AlarmDescription", "AWSAccountId", "StateChangeTime", "Region", "AlarmArn", "OldStateValue"]) {
    expect(body[field], field).toEqual(original[field]);
  }
  expect(typeof body.NewStateReason).toBe("string");
  expect(body.Trigger).toEqual(original.Trigger);
}

describe("P1 notification in the classic (single-metric) format", () => {
  const { Subject, Message } = fixture("alarm-classic.json");

  test("ALARM opens an incident that names the node and the GPU", async () => {
    const out = await deliver(Subject, Message, async () => window);
    expect(out.subject).toBe(Subject);
    expectPagerDutyFields(out.body, Message, "ALARM");
    expect(out.body.NewStateReason).toMatch(/^Offending: 10\.64\.0\.17 GPU_SXM_3 \(train-a\): 87 °C\. Threshold Crossed/);
    expect(out.body.FleetWatchOffenders).toEqual([{ cluster: "train-a", bmc: "10.64.0.17", component: "GPU_SXM_3", detail: "87 °C" }]);
    // The window ends at the state change and reaches 10 minutes back, for the alarm's cluster.
    expect(out.calls).toEqual([
      { cluster: "train-a", from: new Date("2026-11-22T09:55:10.123Z"), to: new Date("2026-11-22T10:05:10.123Z") },
    ]);
  });

  test("OK with the same AlarmName resolves it, unchanged and without a stream read", async () => {
    const ok = {
      ...Message,
      NewStateValue: "OK",
      OldStateValue: "ALARM",
      NewStateReason:
        "Threshold Crossed: 1 out of the last 5 datapoints [80.0 (22/11/26 10:20:00)] was not greater than the threshold (85.0).",
    };
    const out = await deliver(Subject.replace(/^ALARM/, "OK"), ok, async () => {
      throw new Error("must not be called for OK");
    });
    expect(out.subject).toMatch(/^OK: "FleetWatch\/prod\/gpu-temperature\/critical\/train-a"/);
    expectPagerDutyFields(out.body, ok, "OK");
    expect(out.body.NewStateReason).toBe(ok.NewStateReason);
  });

  test("a failed node lookup still pages, saying why the node is missing", async () => {
    const out = await deliver(Subject, Message, async () => {
      throw new Error("ProvisionedThroughputExceededException");
    });
    expectPagerDutyFields(out.body, Message, "ALARM");
    expect(out.body.NewStateReason).toMatch(/^\(node lookup failed; see the Engineering dashboard\) Threshold Crossed/);
  });
});

describe("P1 notification in the metric-math format (Trigger.Metrics[])", () => {
  const { Subject, Message } = fixture("alarm-metric-math.json");

  test("ALARM and OK keep every field PagerDuty needs and the Metrics[] trigger", async () => {
    const alarm = await deliver(Subject, Message);
    expect(alarm.subject).toBe(Subject);
    expectPagerDutyFields(alarm.body, Message, "ALARM");
    expect((alarm.body.Trigger as { Metrics: unknown[] }).Metrics).toHaveLength(3);
    // Deployment alarms name their deployment in AlarmName already; there is no node to add.
    expect(alarm.body.NewStateReason).toBe(Message.NewStateReason);

    const ok = { ...Message, NewStateValue: "OK", OldStateValue: "ALARM" };
    const resolved = await deliver(Subject.replace(/^ALARM/, "OK"), ok);
    expectPagerDutyFields(resolved.body, ok, "OK");
    expect(resolved.body.AlarmName).toBe(alarm.body.AlarmName);
  });
});

test("Subjects fit SNS's limit (under 100 ASCII characters) however long the alarm name", () => {
  const subject = alarmSubject({
    NewStateValue: "ALARM",
    AlarmName: `FleetWatch/prod/gpu-temperature/critical/${"x".repeat(200)}`,
    Region: "Asia Pacific (Hyderabad)",
  });
  expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT);
  expect(subject).toMatch(/^ALARM: "FleetWatch\/prod\/gpu-temperature/);
  expect(subject).toMatch(/^[\x20-\x7e]+$/);
});

test("a message that is not a CloudWatch alarm is forwarded untouched", async () => {
  const published: string[] = [];
  await forwardPage("hello", "not json", { windowMinutes: 10, thresholds: {}, publish: async (_s, m) => void published.push(m) });
  expect(published).toEqual(["not json"]);
});
