import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { type AlarmState, evaluateRange, simulateAlarm } from "../../lib/catalog";
import type { TreatMissingData } from "../../lib/catalog/types";

interface Row {
  datapoints: string;
  missing: string;
  ignore: string;
  breaching: string;
  notBreaching: string;
}
const examples = JSON.parse(readFileSync(new URL("./fixtures/cloudwatch-missing-data-examples.json", import.meta.url), "utf8")) as {
  tables: { datapointsToAlarm: number; evaluationPeriods: number; rows: Row[] }[];
};

// Threshold 3, "greater than": 0 -> 1 (not breaching), X -> 5 (breaching), - -> missing.
const toRange = (s: string) => s.split(" ").map((c) => (c === "-" ? null : c === "X" ? 5 : 1));

describe.each(examples.tables)("documented CloudWatch examples, $datapointsToAlarm of $evaluationPeriods", (table) => {
  const treatments: TreatMissingData[] = ["missing", "ignore", "breaching", "notBreaching"];
  const cases = table.rows.flatMap((row) => treatments.map((t) => ({ row: row.datapoints, t, expected: row[t] })));
  test.each(cases)("$row with $t -> $expected", ({ row, t, expected }) => {
    const alarm = {
      comparison: "GreaterThanThreshold" as const,
      threshold: 3,
      datapointsToAlarm: table.datapointsToAlarm,
      evaluationPeriods: table.evaluationPeriods,
      treatMissingData: t,
    };
    // RETAIN: evaluate from each prior state and expect it unchanged.
    const priors: AlarmState[] = expected === "RETAIN" ? ["OK", "ALARM", "INSUFFICIENT_DATA"] : ["OK"];
    for (const prior of priors) {
      expect(evaluateRange(alarm, toRange(row), prior)).toBe(expected === "RETAIN" ? prior : expected);
    }
  });
});

describe("simulateAlarm over raw samples", () => {
  const minute = 60_000;
  const t0 = Date.UTC(2026, 10, 22, 10, 0, 0);
  const alarm = {
    comparison: "GreaterThanThreshold" as const,
    threshold: 83,
    datapointsToAlarm: 5,
    evaluationPeriods: 5,
    treatMissingData: "missing" as const,
    periodSeconds: 60,
    statistic: "Maximum" as const,
  };

  test("5 of 5 minutes above 83 °C alarms at the end of the fifth minute, and one cool minute sends OK", () => {
    // Two samples per minute; the per-minute Maximum is what the alarm sees.
    const temps = [70, 84, 85, 86, 85, 84, 80, 70];
    const samples = temps.flatMap((v, i) => [
      { timestamp: t0 + i * minute + 1000, value: v - 5 },
      { timestamp: t0 + i * minute + 30_000, value: v },
    ]);
    const transitions = simulateAlarm(alarm, samples, { from: t0, to: t0 + 8 * minute, initialState: "OK" });
    expect(transitions).toEqual([
      { at: t0 + 6 * minute, from: "OK", to: "ALARM" },
      { at: t0 + 7 * minute, from: "ALARM", to: "OK" },
    ]);
  });

  test("a 4-minute spike never alarms (sustained means M of N)", () => {
    const temps = [70, 90, 90, 90, 90, 70, 70, 70];
    const samples = temps.map((v, i) => ({ timestamp: t0 + i * minute, value: v }));
    expect(simulateAlarm(alarm, samples, { from: t0, to: t0 + 8 * minute, initialState: "OK" })).toEqual([]);
  });

  test("statistics: Sum, Average and nearest-rank percentiles", () => {
    const samples = [1, 2, 3, 4, 100].map((v) => ({ timestamp: t0 + v, value: v }));
    const at = (statistic: "Sum" | "Average" | "p50" | "p99") =>
      simulateAlarm({ ...alarm, statistic, threshold: 0, datapointsToAlarm: 1, evaluationPeriods: 1 }, samples, {
        from: t0,
        to: t0 + minute,
      });
    expect(at("Sum")[0]?.to).toBe("ALARM");
    const sumOnly = simulateAlarm({ ...alarm, statistic: "Sum", threshold: 109, datapointsToAlarm: 1, evaluationPeriods: 1 }, samples, {
      from: t0,
      to: t0 + minute,
    });
    expect(sumOnly[0]?.to).toBe("ALARM");
    const avg = simulateAlarm({ ...alarm, statistic: "Average", threshold: 22, datapointsToAlarm: 1, evaluationPeriods: 1 }, samples, {
      from: t0,
      to: t0 + minute,
    });
    expect(avg[0]?.to).toBe("OK"); // (1+2+3+4+100)/5 = 22, not > 22
    const p50 = simulateAlarm({ ...alarm, statistic: "p50", threshold: 2, datapointsToAlarm: 1, evaluationPeriods: 1 }, samples, {
      from: t0,
      to: t0 + minute,
    });
    expect(p50[0]?.to).toBe("ALARM"); // median of 1,2,3,4,100 is 3
  });
});
