/**
 * ALARM/OK ordering through the enricher: an OK passes straight through while its ALARM waits
 * for the node lookup, so PagerDuty could get the OK first and keep the incident open. The
 * enricher re-sends the OK behind a late ALARM when the alarm is already back to OK.
 * Messages are the CloudWatch notification fixture (alarm-classic.json).
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { type AlarmStateNow, forwardPage } from "../../lambdas/p1-enricher/page";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/alarm-classic.json", import.meta.url), "utf8")) as {
  Subject: string;
  Message: Record<string, unknown>;
};
const alarm = fixture.Message;
const ok = {
  ...alarm,
  NewStateValue: "OK",
  OldStateValue: "ALARM",
  StateChangeTime: "2026-11-22T10:06:10.456+0000",
  NewStateReason: "back to normal",
};

function harness(stateNow: AlarmStateNow | undefined) {
  const delivered: { subject: string; message: Record<string, unknown> }[] = [];
  let releaseLookup: () => void = () => {};
  const lookup = new Promise<void>((r) => {
    releaseLookup = r;
  });
  const deps = {
    windowMinutes: 10,
    thresholds: {},
    readWindow: async () => {
      await lookup;
      return [];
    },
    currentState: async () => stateNow,
    publish: async (subject: string, message: string) => {
      delivered.push({ subject, message: JSON.parse(message) });
    },
  };
  return { delivered, deps, releaseLookup };
}

test("an OK that overtakes its ALARM is re-sent after the ALARM, so PagerDuty resolves the incident", async () => {
  const h = harness({ state: "OK", reason: "back to normal", updatedAt: new Date("2026-11-22T10:06:10.456Z") });
  const alarmPage = forwardPage(fixture.Subject, JSON.stringify(alarm), h.deps);
  // The OK arrives while the ALARM is still reading Kinesis, and goes straight out.
  await forwardPage(`OK: "${alarm.AlarmName}" in ${alarm.Region}`, JSON.stringify(ok), h.deps);
  h.releaseLookup();
  await alarmPage;
  expect(h.delivered.map((d) => d.message.NewStateValue)).toEqual(["OK", "ALARM", "OK"]);
  const last = h.delivered.at(-1)!;
  expect(last.message.AlarmName).toBe(alarm.AlarmName);
  expect(last.message.OldStateValue).toBe("ALARM");
  expect(last.subject).toBe(`OK: "${alarm.AlarmName}" in ${alarm.Region}`);
  expect(last.message.FleetWatchOffenders).toBeUndefined();
});

test("an ALARM still in ALARM, or an OK older than the ALARM, sends nothing more", async () => {
  for (const state of [
    { state: "ALARM" as const, reason: "still hot", updatedAt: new Date("2026-11-22T10:05:10.123Z") },
    { state: "OK" as const, reason: "old", updatedAt: new Date("2026-11-22T10:00:00.000Z") },
    undefined,
  ]) {
    const h = harness(state);
    h.releaseLookup();
    await forwardPage(fixture.Subject, JSON.stringify(alarm), h.deps);
    expect(h.delivered.map((d) => d.message.NewStateValue)).toEqual(["ALARM"]);
  }
});
