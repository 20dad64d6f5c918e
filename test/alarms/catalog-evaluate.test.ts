import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { type AlarmState, compositeActions, EVALUATION_RANGES, evaluateRange, simulateAlarm } from "../../core/catalog";
import type { TreatMissingData } from "../../core/catalog/types";

interface Row {
  datapoints: string;
  mustBeFilled: number;
  missing: string;
  ignore: string;
  breaching: string;
  notBreaching: string;
}
const examples = JSON.parse(readFileSync(new URL("./fixtures/cloudwatch-missing-data-examples.json", import.meta.url), "utf8")) as {
  evaluationRange: number;
  tables: { datapointsToAlarm: number; evaluationPeriods: number; rows: Row[] }[];
  prematureText: { datapointsToAlarm: number; evaluationPeriods: number; datapoints: string }[];
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

describe("premature-alarm rule (row 5 of both documented tables)", () => {
  const base = { comparison: "GreaterThanThreshold" as const, threshold: 3, treatMissingData: "missing" as const };
  test("'- - X - -' with 3 of 3 and '- - - X -' with 2 of 3 go to ALARM with missing data treated as missing", () => {
    const row5 = examples.tables.map((t) => ({ t, row: t.rows[4] as Row }));
    expect(row5.map(({ row }) => row.datapoints)).toEqual(["- - X - -", "- - - X -"]);
    for (const { t, row } of row5) {
      expect(row.missing).toBe("ALARM");
      const alarm = { ...base, datapointsToAlarm: t.datapointsToAlarm, evaluationPeriods: t.evaluationPeriods };
      for (const prior of ["OK", "INSUFFICIENT_DATA"] as const) expect(evaluateRange(alarm, toRange(row.datapoints), prior)).toBe("ALARM");
    }
  });

  test.each(examples.prematureText)("$datapoints with $datapointsToAlarm of $evaluationPeriods does not alarm yet", (ex) => {
    const alarm = { ...base, datapointsToAlarm: ex.datapointsToAlarm, evaluationPeriods: ex.evaluationPeriods };
    expect(evaluateRange(alarm, toRange(ex.datapoints), "OK")).not.toBe("ALARM");
  });

  test("the fixture's ranges are the documented evaluation range (5 for N = 3, the N + 2 rule)", () => {
    for (const t of examples.tables) {
      for (const row of t.rows) expect(toRange(row.datapoints)).toHaveLength(examples.evaluationRange);
      expect(EVALUATION_RANGES["n+2"]({ evaluationPeriods: t.evaluationPeriods, periodSeconds: 300 })).toBe(examples.evaluationRange);
      // Column 2: how many of the N datapoints must be filled.
      for (const row of t.rows) {
        const real = toRange(row.datapoints).filter((v) => v !== null).length;
        expect(Math.max(0, t.evaluationPeriods - real)).toBe(row.mustBeFilled);
      }
    }
  });

  test("the evaluation range is a parameter: a breaching datapoint 6 periods back counts only in a wider range", () => {
    const minute = 60_000;
    const t0 = Date.UTC(2026, 11, 1, 0, 0, 0);
    const alarm = { ...base, datapointsToAlarm: 2, evaluationPeriods: 3, periodSeconds: 60, statistic: "Maximum" as const };
    // X 0 X then nothing: at the end of minute 8 the range N + 2 = 5 sees '- - - - -'.
    const samples = [5, 1, 5].map((v, i) => ({ timestamp: t0 + i * minute, value: v }));
    const narrow = simulateAlarm(alarm, samples, { from: t0, to: t0 + 8 * minute, evaluationRange: EVALUATION_RANGES["n+2"] });
    const wide = simulateAlarm(alarm, samples, { from: t0, to: t0 + 8 * minute, evaluationRange: EVALUATION_RANGES["n+5"] });
    expect(narrow.at(-1)?.to).toBe("INSUFFICIENT_DATA");
    // N + 5 = 8 still holds X 0 X at minute 8: 2 breaching of the 3 real ones.
    expect(wide.at(-1)?.to).toBe("ALARM");
  });
});

describe("composite alarm action suppression (ActionsSuppressorWaitPeriod / ExtensionPeriod)", () => {
  const m = 60_000;
  const periods = { waitMs: 1 * m, extensionMs: 10 * m };
  test("suppressor not in ALARM: the page goes out when the wait period ends", () => {
    expect(compositeActions([{ at: 10 * m, to: "ALARM" }], [], periods, 60 * m)).toEqual([
      { kind: "ALARM", at: 11 * m, childAlarmAt: 10 * m },
    ]);
  });
  test("suppressor goes to ALARM within the wait period: suppressed, and no OK later", () => {
    const child = [
      { at: 10 * m, to: "ALARM" as const },
      { at: 30 * m, to: "OK" as const },
    ];
    expect(compositeActions(child, [{ at: 10 * m + 30_000, to: "ALARM" }], periods, 60 * m)).toEqual([]);
  });
  test("suppressor that ended before the child fired does not suppress (wait period afresh)", () => {
    const suppressor = [
      { at: 0, to: "ALARM" as const },
      { at: 5 * m, to: "OK" as const },
    ];
    expect(compositeActions([{ at: 8 * m, to: "ALARM" }], suppressor, periods, 60 * m)).toEqual([
      { kind: "ALARM", at: 9 * m, childAlarmAt: 8 * m },
    ]);
  });
  test("child still in ALARM when the extension period ends pages then; OK follows the child", () => {
    const suppressor = [
      { at: 0, to: "ALARM" as const },
      { at: 20 * m, to: "OK" as const },
    ];
    const child = [
      { at: 5 * m, to: "ALARM" as const },
      { at: 40 * m, to: "OK" as const },
    ];
    expect(compositeActions(child, suppressor, periods, 60 * m)).toEqual([
      { kind: "ALARM", at: 30 * m, childAlarmAt: 5 * m },
      { kind: "OK", at: 40 * m, childAlarmAt: 5 * m },
    ]);
  });
  test("child back to OK within the extension period: nothing is paged", () => {
    const suppressor = [
      { at: 0, to: "ALARM" as const },
      { at: 20 * m, to: "OK" as const },
    ];
    const child = [
      { at: 5 * m, to: "ALARM" as const },
      { at: 25 * m, to: "OK" as const },
    ];
    expect(compositeActions(child, suppressor, periods, 60 * m)).toEqual([]);
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
