import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { SIGNALS } from "../../core/catalog";
import { END, README, renderAlarmTable, START, withAlarmTable } from "../../scripts/alarm-table";

test("README.md's alarm table matches the catalog (run `npm run docs:alarms` when this fails)", () => {
  const readme = readFileSync(README, "utf8");
  expect(readme).toContain(START);
  expect(readme).toContain(END);
  expect(withAlarmTable(readme)).toBe(readme);
});

test("the table has one row per signal level and changes when a threshold changes", () => {
  const table = renderAlarmTable();
  const levels = SIGNALS.flatMap((s) => Object.keys(s.levels));
  // Plus one row per SLO (3) and burn-rate tier (3).
  expect(table.split("\n").filter((l) => l.startsWith("| ") && l.includes("`"))).toHaveLength(levels.length + 9);
  // The SRE workbook's fast burn at the default 99.9 % availability target: 14.4 x 0.1 % = 1.44 %.
  expect(table).toMatch(/\| P1 \| 14\.4× \| 1h \+ 4 min \| 5m \+ 4 min \| 2 % \| > 1\.44 % at 99\.9 % \|/);
  expect(table).toContain(
    "| GPU temperature (`gpu-temperature`, critical) | GpuTemperatureMaxC (hottest GPU in the cluster) | > 83 °C | Maximum / 1 min | 5 of 5 | missing | P1 | cluster |",
  );
  const changed = SIGNALS.map((s) =>
    s.id === "gpu-temperature" ? { ...s, levels: { ...s.levels, critical: { ...s.levels.critical!, threshold: 90 } } } : s,
  );
  expect(renderAlarmTable(changed)).not.toBe(table);
});

test("markers are added under a heading when README.md has none, and only the text between them is rewritten", () => {
  const added = withAlarmTable("# Title\n\nIntro.\n", "TABLE");
  expect(added).toBe(`# Title\n\nIntro.\n\n## Alarms and paging\n\n${START}\nTABLE\n${END}\n`);
  const replaced = withAlarmTable(`before\n${START}\nold\n${END}\nafter\n`, "NEW");
  expect(replaced).toBe(`before\n${START}\nNEW\n${END}\nafter\n`);
});
