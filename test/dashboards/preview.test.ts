import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { capacityDashboard } from "../../dashboards/capacity";
import { engineeringDashboard } from "../../dashboards/engineering";
import { executiveDashboard } from "../../dashboards/executive";
import { allWidgets } from "../../dashboards/spec";
import { evaluate } from "../../dev-support/metric-math";
import { loadConfig } from "../../lib/config/load";
import { type Chromium, launchChromium } from "../../scripts/dashboards-preview/chromium";
import { renderDashboardHtml } from "../../scripts/dashboards-preview/render-html";

describe("metric-math evaluator used by the preview", () => {
  const env = {
    series: new Map([
      ["a", [10, 20, 30]],
      ["b", [1, 2, 3]],
    ]),
    periodSeconds: 86_400,
    length: 3,
  };

  test("arithmetic broadcasts scalars and SUM([..]) adds series point by point", () => {
    expect(evaluate("SUM([a, b]) * 2", env)).toEqual([22, 44, 66]);
    expect(evaluate("100 * b / a", env)).toEqual([10, 10, 10]);
  });

  test("days of budget left = (budget - RUNNING_SUM(spend)) / AVG(spend)", () => {
    // spend 10, 20, 30 against 300: spent 10/30/60, average 20 a day -> 14.5, 13.5, 12 days left.
    expect(evaluate("(300 - RUNNING_SUM(a)) / AVG(a)", env)).toEqual([14.5, 13.5, 12]);
  });

  test("an unknown id is an error, not a silent zero", () => {
    expect(() => evaluate("a + c", env)).toThrow(/unknown id c/);
  });
});

describe("preview renders in headless chromium", () => {
  const config = loadConfig("dev");
  const dir = mkdtempSync(join(tmpdir(), "fw-preview-"));
  let browser: Chromium;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test.each([
    ["engineering", engineeringDashboard(config)],
    ["executive", executiveDashboard(config)],
    ["capacity", capacityDashboard(config)],
  ])("%s: every widget is on the page, no console or page errors", async (id, spec) => {
    const file = join(dir, `${id}.html`);
    writeFileSync(file, renderDashboardHtml(spec, config, { source: "test" }));
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);

    expect(await page.locator("#dashboard-name").textContent()).toBe(`FleetWatch-dev-${id}`);
    expect(await page.locator("section.widget").count()).toBe(allWidgets(spec).length);
    for (const w of allWidgets(spec).filter((x) => x.type !== "text")) {
      expect(await page.locator(`section.widget[data-title="${w.title.replace(/"/g, '\\"')}"] h3.title`).textContent()).toBe(w.title);
    }
    if (id === "engineering") {
      // The catalog's GPU temperature thresholds (78 / 83 in dev) are drawn on the hottest-GPU graph.
      const graph = page.locator('section.widget[data-title="Hottest GPU per cluster (°C)"]');
      expect(await graph.locator("g.threshold").evaluateAll((gs) => gs.map((g) => g.getAttribute("data-threshold")))).toEqual(["78", "83"]);
      expect(await graph.locator("polyline.series").count()).toBe(config.redfish.clusters.length);
      const box = await graph.locator("svg.chart").boundingBox();
      expect(box!.width).toBeGreaterThan(300);
    } else if (id === "capacity") {
      // The projection is drawn against its 100 % capacity line; the headroom graph carries the catalog's P3 line (20 %).
      const tokens = page.locator('section.widget[data-title^="Tokens per day, projected"]');
      expect(await tokens.locator("g.threshold").evaluateAll((gs) => gs.map((g) => g.getAttribute("data-threshold")))).toEqual(["100"]);
      expect(await tokens.locator("polyline.series").count()).toBe(3 * new Set(config.azure!.accounts.flatMap((a) => a.deployments)).size);
      const headroom = page.locator('section.widget[data-title^="Regional quota headroom"]');
      expect(await headroom.locator("g.threshold").evaluateAll((gs) => gs.map((g) => g.getAttribute("data-threshold")))).toEqual(["20"]);
    } else {
      // Availability is computed from sample series by the expression, and lands near the SLA.
      const value = Number(
        await page.locator('section.widget[data-title="SLA availability over the range"] .big').getAttribute("data-value"),
      );
      expect(value).toBeGreaterThan(99);
      expect(value).toBeLessThanOrEqual(100);
      // MTTR per tier is computed by its expression from the sample incident metrics.
      const mttr = await page
        .locator('section.widget[data-title^="MTTR over the range"] .big')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-value"))));
      expect(mttr).toHaveLength(3);
      for (const m of mttr) expect(m).toBeGreaterThan(0);
    }
    const png = await page.screenshot({ fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    await page.close();
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
  });
});
