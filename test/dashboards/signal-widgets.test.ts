/**
 * One metric definition per signal: in a synthesised template, every FleetWatch metric alarm's
 * query (metric, dimensions, statistic, period, expression) is drawn on a dashboard widget, and
 * that widget carries a threshold line at the alarm's threshold. Compared in the template
 * CloudFormation gets (alarm Metrics vs dashboard body), not in the code that builds both.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, test } from "vitest";
import type { EnvironmentConfig } from "../../core/config/schema";
import { SignalAlarms } from "../../lib/alarms/signal-alarms";
import { loadConfig } from "../../lib/config/load";
import { alarmsByTier, FleetWatchDashboards } from "../../lib/dashboards/fleetwatch-dashboards";
import { PagingTiers } from "../../lib/paging/paging-tiers";

type Props = Record<string, unknown>;
type Dimension = { Name: string; Value: string };
interface MetricStat {
  Metric: { Namespace: string; MetricName: string; Dimensions?: Dimension[] };
  Period: number;
  Stat: string;
}
type AlarmQuery = { Id: string; Expression?: string; MetricStat?: MetricStat };
interface Widget {
  type: string;
  properties: { title?: string; period?: number; metrics?: unknown[][]; annotations?: { horizontal: { value: number }[] } };
}

function synth(config: EnvironmentConfig) {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "fw-signal-widgets-")) });
  const stack = new Stack(app, `SignalWidgets-${config.name}`, { env: { account: config.account, region: config.region } });
  const paging = new PagingTiers(stack, "Paging", { config });
  const alarms = new SignalAlarms(stack, "Alarms", { config, paging });
  new FleetWatchDashboards(stack, "Dashboards", { config, alarmsByTier: alarmsByTier(alarms) });
  const template = Template.fromStack(stack);
  const alarmProps = Object.values(template.findResources("AWS::CloudWatch::Alarm")).map((r) => r.Properties as Props);
  const widgets = Object.values(template.findResources("AWS::CloudWatch::Dashboard")).flatMap((d) => {
    const raw = d.Properties.DashboardBody;
    // Alarm ARNs are tokens inside Fn::Join; they are not what this test compares.
    const text =
      typeof raw === "string"
        ? raw
        : (raw as { "Fn::Join": [string, unknown[]] })["Fn::Join"][1].map((p) => (typeof p === "string" ? p : "TOKEN")).join("");
    return (JSON.parse(text) as { widgets: Widget[] }).widgets.filter((w) => w.type === "metric");
  });
  return { alarmProps, widgets };
}

const key = (namespace: string, name: string, dims: readonly Dimension[], stat: string) =>
  `${namespace}|${name}|${dims
    .map((d) => `${d.Name}=${d.Value}`)
    .sort()
    .join(",")}|${stat}`;
/** An expression with each id replaced by the metric it stands for, so different ids compare equal. */
const canonical = (expression: string, keyOf: (id: string) => string | undefined) =>
  expression.replace(/\b[a-z][a-zA-Z0-9_]*\b/g, (id) => `<${keyOf(id) ?? id}>`).replace(/\s+/g, "");

/** The query of one alarm in canonical form, and its period. */
function alarmQuery(p: Props): { query: string; period: number } | undefined {
  const metrics = p.Metrics as AlarmQuery[] | undefined;
  if (!metrics) {
    if (p.Namespace !== "FleetWatch") return undefined;
    const stat = (p.Statistic ?? p.ExtendedStatistic) as string;
    return {
      query: `<${key("FleetWatch", p.MetricName as string, (p.Dimensions as Dimension[]) ?? [], stat)}>`,
      period: p.Period as number,
    };
  }
  const stats = metrics.filter((m) => m.MetricStat);
  const keys = new Map(
    stats.map((m) => [
      m.Id,
      key(m.MetricStat!.Metric.Namespace, m.MetricStat!.Metric.MetricName, m.MetricStat!.Metric.Dimensions ?? [], m.MetricStat!.Stat),
    ]),
  );
  const expression = metrics.find((m) => m.Expression !== undefined)!.Expression!;
  return { query: canonical(expression, (id) => keys.get(id)), period: stats[0]!.MetricStat!.Period };
}

/** Every query a widget draws in canonical form: its visible metrics and its expressions. */
function widgetQueries(w: Widget): string[] {
  const keys = new Map<string, string>();
  const out: string[] = [];
  for (const line of w.properties.metrics ?? []) {
    const opts = line.at(-1) as { id: string; stat?: string; expression?: string; visible?: boolean };
    if (opts.expression !== undefined) continue;
    const [namespace, name, ...rest] = line.slice(0, -1) as string[];
    const dims: Dimension[] = [];
    for (let i = 0; i < rest.length; i += 2) dims.push({ Name: rest[i]!, Value: rest[i + 1]! });
    const k = key(namespace!, name!, dims, opts.stat!);
    keys.set(opts.id, k);
    out.push(`<${k}>`);
  }
  for (const line of w.properties.metrics ?? []) {
    const opts = line[0] as { expression?: string };
    if (typeof opts === "object" && opts.expression !== undefined) out.push(canonical(opts.expression, (id) => keys.get(id)));
  }
  return out;
}

function expectEveryAlarmOnItsWidget(config: EnvironmentConfig): number {
  const { alarmProps, widgets } = synth(config);
  let checked = 0;
  for (const p of alarmProps) {
    const q = alarmQuery(p);
    if (!q) continue; // AWS/Lambda and AWS/SQS alarms: no FleetWatch widget
    const name = p.AlarmName as string;
    const drawing = widgets.filter((w) => w.properties.period === q.period && widgetQueries(w).includes(q.query));
    expect(drawing.length, `${name}: no widget draws ${q.query} at ${q.period} s`).toBeGreaterThan(0);
    const lines = drawing.flatMap((w) => (w.properties.annotations?.horizontal ?? []).map((a) => a.value));
    expect(lines, `${name}: its widget has no line at ${p.Threshold}`).toContain(p.Threshold);
    checked++;
  }
  return checked;
}

describe.each(["dev", "prod"])("%s", (envName) => {
  test("every FleetWatch metric alarm's query is drawn on a widget, at its period, with a line at its threshold", () => {
    // dev: 1 cluster, 1 deployment; prod has more of both. At least the per-cluster GPU, fan, power, ECC and BMC alarms.
    expect(expectEveryAlarmOnItsWidget(loadConfig(envName))).toBeGreaterThanOrEqual(14);
  });
});

test("a threshold override in config moves both the alarm and the line on its widget", () => {
  const base = loadConfig("dev");
  const hottest = (w: Widget) => w.properties.title === "Hottest GPU per cluster (°C)";
  const critical = (props: Props[]) => props.find((p) => p.AlarmName === "FleetWatch/dev/gpu-temperature/critical/lab-a")!.Threshold;
  const defaults = synth(base);
  // Catalog defaults (README alarm table: gpu-temperature > 78 °C warn, > 83 °C critical).
  expect(critical(defaults.alarmProps)).toBe(83);
  expect(defaults.widgets.find(hottest)!.properties.annotations!.horizontal.map((a) => a.value)).toEqual([78, 83]);

  const overridden = { ...base, thresholds: { "gpu-temperature": { warn: 71, critical: 89 }, "bmc-unreachable-share": { critical: 35 } } };
  const moved = synth(overridden);
  expect(critical(moved.alarmProps)).toBe(89);
  expect(moved.widgets.find(hottest)!.properties.annotations!.horizontal.map((a) => a.value)).toEqual([71, 89]);
  const share = moved.widgets.find((w) => w.properties.title === "BMCs unreachable (% of cluster)")!;
  expect(share.properties.annotations!.horizontal.map((a) => a.value)).toEqual([35]);
  expect(expectEveryAlarmOnItsWidget(overridden)).toBeGreaterThanOrEqual(14);
});
