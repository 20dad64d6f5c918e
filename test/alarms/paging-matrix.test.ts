import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { SIGNALS } from "../../core/catalog";

const matrix = JSON.parse(readFileSync(new URL("./fixtures/paging-matrix.json", import.meta.url), "utf8")) as {
  rows: Record<string, Partial<Record<"warn" | "critical", "P1" | "P2" | "P3">>>;
};

describe("paging matrix: signal x tier", () => {
  test("every catalog row (docs/signal-catalog.md) is implemented by at least one signal", () => {
    for (const row of Object.keys(matrix.rows)) {
      expect(
        SIGNALS.some((s) => s.catalogRow === row),
        row,
      ).toBe(true);
    }
  });

  test.each(SIGNALS.flatMap((s) => (["warn", "critical"] as const).filter((l) => s.levels[l]).map((level) => ({ id: s.id, level }))))(
    "$id/$level pages the tier docs/signal-catalog.md gives its row",
    ({ id, level }) => {
      const signal = SIGNALS.find((s) => s.id === id)!;
      const row = matrix.rows[signal.catalogRow];
      expect(row, `${id} refers to an unknown catalog row ${signal.catalogRow}`).toBeDefined();
      expect(signal.levels[level]!.tier).toBe(row![level]);
    },
  );

  test("no P1 for the things the catalog says never to page on (single 429s, short latency spikes)", () => {
    const aoai429 = SIGNALS.find((s) => s.id === "aoai-429-rate")!;
    expect(aoai429.levels.warn!.datapointsToAlarm).toBeGreaterThanOrEqual(10);
    const latency = SIGNALS.find((s) => s.id === "aoai-p99-latency")!;
    expect(latency.levels.warn!.datapointsToAlarm).toBeGreaterThanOrEqual(15);
    expect(SIGNALS.map((s) => s.id)).not.toContain("gpu-utilization");
  });
});
