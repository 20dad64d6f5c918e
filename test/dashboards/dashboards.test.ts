import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { Alarm, Metric } from "aws-cdk-lib/aws-cloudwatch";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, test } from "vitest";
import { effectiveLevel, SIGNALS, signalById } from "../../core/catalog";
import type { EnvironmentConfig } from "../../core/config/schema";
import { METRIC_NAMESPACE, METRICS, type MetricKey } from "../../core/metric-registry";
import { type BodyContext, CLOUDWATCH_DASHBOARD_LIMITS, dashboardBody } from "../../dashboards/cloudwatch-body";
import { fleetWatchDashboards } from "../../dashboards/fleetwatch-dashboards";
import { logsInsightsQueries, queryText } from "../../dashboards/logs-insights/queries";
import { allWidgets, type DashboardSpec, metricQueries } from "../../dashboards/spec";
import { loadConfig } from "../../lib/config/load";
import { FleetWatchDashboards } from "../../lib/dashboards/fleetwatch-dashboards";

/** Worst case for sizes: every log group and 30 alarms per tier present, with long names. */
const FULL: BodyContext = {
  region: "ap-southeast-4",
  logGroupName: (s) => `/aws/lambda/FleetWatch-production-environment-${s}-LogGroup-ABCDEFGHIJKLMNOP`,
  alarmArns: (tier) =>
    Array.from(
      { length: 30 },
      (_, i) => `arn:aws:cloudwatch:ap-southeast-4:222222222222:alarm:FleetWatch/prod/signal-${i}/critical/${tier}`,
    ),
};

function metricsInWidget(w: Record<string, unknown>): unknown[][] {
  const props = w.properties as { metrics?: unknown[][] };
  return props.metrics ?? [];
}

function checkLimits(spec: DashboardSpec): void {
  const body = dashboardBody(spec, FULL);
  const widgets = body.widgets as Record<string, unknown>[];
  expect(widgets.length).toBeLessThanOrEqual(CLOUDWATCH_DASHBOARD_LIMITS.widgetsPerDashboard);
  let total = 0;
  for (const w of widgets) {
    const n = metricsInWidget(w).length;
    expect(n, `${spec.name}: ${JSON.stringify((w.properties as { title?: string }).title)}`).toBeLessThanOrEqual(
      CLOUDWATCH_DASHBOARD_LIMITS.metricsPerWidget,
    );
    total += n;
    expect((w.x as number) + (w.width as number)).toBeLessThanOrEqual(CLOUDWATCH_DASHBOARD_LIMITS.gridWidth);
  }
  expect(total).toBeLessThanOrEqual(CLOUDWATCH_DASHBOARD_LIMITS.metricsPerDashboard);
  expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(CLOUDWATCH_DASHBOARD_LIMITS.bodyBytes);
}

describe.each(["dev", "prod"])("dashboards for %s", (envName) => {
  const config = loadConfig(envName);
  const specs = fleetWatchDashboards(config);
  const clusters = new Set(config.redfish.clusters.map((c) => c.name));
  const deployments = new Set((config.azure?.accounts ?? []).flatMap((a) => a.deployments.map((d) => d.name)));

  test("three dashboards named FleetWatch-<env>-executive|engineering|capacity", () => {
    expect(specs.map((s) => s.name)).toEqual([
      `FleetWatch-${envName}-executive`,
      `FleetWatch-${envName}-engineering`,
      `FleetWatch-${envName}-capacity`,
    ]);
  });

  test("every metric is in the registry, with exactly its dimension set and values from the config", () => {
    for (const spec of specs) {
      for (const q of metricQueries(spec)) {
        const registered = METRICS[q.metric];
        expect(registered, q.metric).toBeDefined();
        expect(Object.keys(q.dimensions).sort()).toEqual([...registered.dimensions].sort());
        expect(q.dimensions.Environment).toBe(config.name);
        if (q.dimensions.Cluster !== undefined) expect(clusters).toContain(q.dimensions.Cluster);
        if (q.dimensions.Deployment !== undefined) expect(deployments).toContain(q.dimensions.Deployment);
      }
    }
  });

  test("metric-math ids are valid and unique per widget; expressions only use ids of their widget", () => {
    for (const spec of specs) {
      for (const w of allWidgets(spec)) {
        if (w.type !== "graph") continue;
        const ids = w.queries.map((q) => q.id);
        expect(new Set(ids).size, w.title).toBe(ids.length);
        for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
        for (const q of w.queries) {
          if (q.kind !== "expression") continue;
          const referenced = q.expression.replace(/[A-Z_]+\(/g, "(").match(/\b[a-z][a-zA-Z0-9_]*\b/g) ?? [];
          for (const r of referenced) expect(ids, `${w.title}: ${q.expression}`).toContain(r);
        }
        expect(
          w.queries.some((q) => q.visible),
          `${w.title} shows nothing`,
        ).toBe(true);
      }
    }
  });

  test("threshold lines are the catalog's effective thresholds (with this environment's overrides)", () => {
    let lines = 0;
    for (const spec of specs) {
      for (const w of allWidgets(spec)) {
        if (w.type !== "graph") continue;
        for (const t of w.thresholds) {
          if (!t.signal) continue;
          lines++;
          const level = effectiveLevel(signalById(t.signal.id)!, t.signal.level, config.thresholds);
          expect(t.value, `${w.title}: ${t.signal.id}`).toBe(level!.threshold);
        }
      }
    }
    expect(lines).toBeGreaterThanOrEqual(8);
    if (envName === "prod") {
      // config/prod.json overrides gpu-temperature to 80/85: the line must follow.
      const eng = specs.find((s) => s.id === "engineering")!;
      const hottest = allWidgets(eng).find((w) => w.title.startsWith("Hottest GPU"));
      expect(hottest?.type === "graph" && hottest.thresholds.map((t) => t.value)).toEqual([80, 85]);
    }
  });

  test("every catalog signal over a FleetWatch metric has that metric on a dashboard", () => {
    const onDashboards = new Set<MetricKey>(specs.flatMap((s) => metricQueries(s).map((q) => q.metric)));
    const hasAzure = config.azure !== undefined;
    const ctx = {
      environment: config.name,
      clusters: [...clusters],
      deployments: (config.azure?.accounts ?? []).flatMap((a) => a.deployments),
      pollIntervalSeconds: 60,
      gpuHourUsd: 1,
      dailyGpuBudgetUsd: 1,
    };
    for (const signal of SIGNALS) {
      if (signal.requiresAzure && !hasAzure) continue;
      const instance =
        signal.scope === "cluster"
          ? { cluster: ctx.clusters[0]! }
          : signal.scope === "deployment"
            ? { deployment: ctx.deployments[0]!.name }
            : {};
      const source = signal.source(ctx, instance);
      const keys: MetricKey[] =
        source.kind === "fleetwatch" ? [source.metric] : source.kind === "math" ? Object.values(source.inputs).map((i) => i.metric) : [];
      for (const k of keys) expect(onDashboards, `${signal.id} reads ${k}`).toContain(k);
    }
  });

  test("every Logs Insights query the catalog's runbooks name exists", () => {
    const ids = new Set(logsInsightsQueries().map((q) => q.id));
    for (const s of SIGNALS) {
      for (const m of s.lookAt.matchAll(/Logs Insights query "([^"]+)"/g)) expect(ids, `${s.id} -> ${m[1]}`).toContain(m[1]);
    }
  });

  test("bodies stay within CloudWatch's dashboard limits", () => {
    for (const spec of specs) checkLimits(spec);
  });
});

test("a large environment (40 clusters, 60 deployments) still fits CloudWatch's limits", () => {
  const base = loadConfig("prod");
  const big: EnvironmentConfig = {
    ...base,
    redfish: { ...base.redfish, clusters: Array.from({ length: 40 }, (_, i) => ({ ...base.redfish.clusters[0]!, name: `cluster-${i}` })) },
    azure: {
      ...base.azure!,
      accounts: [
        {
          ...base.azure!.accounts[0]!,
          deployments: Array.from({ length: 60 }, (_, i) => ({ ...base.azure!.accounts[0]!.deployments[0]!, name: `deployment-${i}` })),
        },
      ],
    },
    // prod's per-instance SLO targets name its own clusters and deployments.
    slos: {
      ...base.slos,
      aoaiAvailability: { ...base.slos.aoaiAvailability, deployments: {} },
      gpuFleet: { ...base.slos.gpuFleet, clusters: {} },
    },
  };
  for (const spec of fleetWatchDashboards(big)) checkLimits(spec);
});

/**
 * The construct alone in a stack with cdk-nag (as buildApp runs it), so this file does not
 * depend on the other constructs being finished; `npm run synth:all` covers the whole stack.
 */
function synthDashboardsOnly(envName: string) {
  const config = loadConfig(envName);
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "fw-dash-")) });
  const stack = new Stack(app, `FleetWatch-${envName}`, { env: { account: config.account, region: config.region } });
  const logGroup = (id: string) => new LogGroup(stack, id, { retention: RetentionDays.ONE_MONTH });
  const alarm = new Alarm(stack, "GpuHot", {
    metric: new Metric({ namespace: "FleetWatch", metricName: "GpuTemperatureMaxC" }),
    threshold: 83,
    evaluationPeriods: 5,
  });
  new FleetWatchDashboards(stack, "Dashboards", {
    config,
    logGroups: { "telemetry-ingest": logGroup("Ingest"), "redfish-poller": logGroup("Poller") },
    alarmsByTier: { P1: [alarm] },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return { template: Template.fromStack(stack), config };
}

describe("synthesised (dev)", () => {
  const { template, config } = synthDashboardsOnly("dev");

  /** Flattens Fn::Join bodies; tokens (log group refs, alarm ARNs) become placeholders. */
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
  function bodyOf(resource: any): Record<string, unknown> {
    const raw = resource.Properties.DashboardBody;
    const text =
      typeof raw === "string"
        ? raw
        : (raw as { "Fn::Join": [string, unknown[]] })["Fn::Join"][1].map((p) => (typeof p === "string" ? p : "TOKEN")).join("");
    return JSON.parse(text);
  }

  test("three CloudWatch dashboards whose FleetWatch metrics all exist in the registry", () => {
    const dashboards = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
    expect(dashboards.map((d) => d.Properties.DashboardName).sort()).toEqual([
      "FleetWatch-dev-capacity",
      "FleetWatch-dev-engineering",
      "FleetWatch-dev-executive",
    ]);
    const registry = new Map(Object.values(METRICS).map((m) => [m.name, m]));
    let checked = 0;
    for (const d of dashboards) {
      const body = bodyOf(d);
      for (const w of body.widgets as Record<string, unknown>[]) {
        for (const line of metricsInWidget(w)) {
          if (typeof line[0] !== "string") continue; // expression
          expect(line[0]).toBe(METRIC_NAMESPACE);
          const spec = registry.get(line[1] as string);
          expect(spec, String(line[1])).toBeDefined();
          const dims = line.slice(2).filter((x) => typeof x === "string");
          const names = dims.filter((_, i) => i % 2 === 0);
          expect(names.sort()).toEqual([...spec!.dimensions].sort());
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  test("engineering dashboard has the node drill-down variable and Logs Insights widgets over the ingest/poller log groups", () => {
    const eng = Object.values(template.findResources("AWS::CloudWatch::Dashboard")).find(
      (d) => d.Properties.DashboardName === "FleetWatch-dev-engineering",
    )!;
    const body = bodyOf(eng);
    expect(body.variables).toEqual([
      expect.objectContaining({ type: "pattern", pattern: "__FW_NODE__", inputType: "input", defaultValue: "." }),
    ]);
    const gpuTemp = (body.widgets as Record<string, unknown>[]).find(
      (w) => (w.properties as { title?: string }).title === "Hottest GPU per cluster (°C)",
    )!;
    const annotations = (gpuTemp.properties as { annotations: { horizontal: { value: number }[] } }).annotations.horizontal.map(
      (a) => a.value,
    );
    expect(annotations).toEqual([78, 83]);
    const logs = (body.widgets as Record<string, unknown>[]).filter((w) => w.type === "log");
    expect(logs.length).toBeGreaterThanOrEqual(4);
    for (const w of logs) expect((w.properties as { query: string }).query).toMatch(/^SOURCE 'TOKEN' \| /);
  });

  test("executive dashboard lists the P1 alarms it is given", () => {
    const exec = Object.values(template.findResources("AWS::CloudWatch::Dashboard")).find(
      (d) => d.Properties.DashboardName === "FleetWatch-dev-executive",
    )!;
    const alarms = (bodyOf(exec).widgets as Record<string, unknown>[]).filter((w) => w.type === "alarm");
    expect(alarms).toHaveLength(1);
    expect((alarms[0]!.properties as { alarms: string[] }).alarms).toEqual(["TOKEN"]);
  });

  test("saved Logs Insights queries exist for the log groups the stack has", () => {
    const defs = Object.values(template.findResources("AWS::Logs::QueryDefinition"));
    const names = defs.map((d) => d.Properties.Name as string);
    for (const n of names) expect(n.startsWith(`FleetWatch-${config.name}/`)).toBe(true);
    // Every query over telemetry-ingest or redfish-poller logs is saved; the others wait for their log groups.
    const expected = logsInsightsQueries().filter((q) => q.sources.every((s) => s === "telemetry-ingest" || s === "redfish-poller"));
    expect(names.sort()).toEqual(expected.map((q) => `FleetWatch-${config.name}/${q.id}`).sort());
    const hot = defs.find((d) => d.Properties.Name === `FleetWatch-${config.name}/gpu-hotspots`)!;
    expect(hot.Properties.QueryString).toBe(queryText(expected.find((q) => q.id === "gpu-hotspots")!));
    for (const d of defs) expect((d.Properties.LogGroupNames as unknown[]).length).toBeGreaterThan(0);
  });
});
