/**
 * SLO burn-rate alerts against the documented method: the Google SRE workbook, "Alerting on
 * SLOs" (https://sre.google/workbook/alerting-on-slos/), recommended table of its section 6:
 * over a 30-day SLO period, page when 2 % of the budget is spent in 1 h (short window 5 min) or
 * 5 % in 6 h (30 min); ticket when 10 % is spent in 3 days (6 h). Every expected number below is
 * worked out from that table and the SLO target, never read back from the code.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { Alarm, Metric } from "aws-cdk-lib/aws-cloudwatch";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, test } from "vitest";
import {
  applyStatistic,
  BURN_RATE_POLICIES,
  burnRateAlarmSpecs,
  burnRateCompositeActions,
  compositeRule,
  resolveAlarms,
  resolveBurnRateAlarms,
  SloConfigError,
  signalById,
  simulateAlarm,
} from "../../core/catalog";
import { ConfigError } from "../../core/config/config-error";
import { parseConfig } from "../../core/config/parse";
import type { EnvironmentConfig } from "../../core/config/schema";
import { BurnRateAlarms } from "../../lib/alarms/burn-rate-alarms";
import { loadConfig } from "../../lib/config/load";
import { PagingTiers } from "../../lib/paging/paging-tiers";

const prod = loadConfig("prod");
const dev = loadConfig("dev");

// The workbook's table, as published: budget spent, long window, short window, and who is told.
const WORKBOOK = [
  { tier: "P1", budgetSpent: 0.02, longHours: 1, shortMinutes: 5 },
  { tier: "P2", budgetSpent: 0.05, longHours: 6, shortMinutes: 30 },
  { tier: "P3", budgetSpent: 0.1, longHours: 72, shortMinutes: 360 },
] as const;
const PERIOD_HOURS = 30 * 24;

describe("burn-rate policies (windows, factors, tiers)", () => {
  test("each factor is budget spent × SLO period / long window: 14.4, 6 and 1", () => {
    expect(BURN_RATE_POLICIES.map((p) => p.tier)).toEqual(["P1", "P2", "P3"]);
    for (const [i, row] of WORKBOOK.entries()) {
      const p = BURN_RATE_POLICIES[i]!;
      expect(p.tier).toBe(row.tier);
      expect(p.longWindowSeconds).toBe(row.longHours * 3600);
      expect(p.shortWindowSeconds).toBe(row.shortMinutes * 60);
      // The short window is 1/12 of the long one.
      expect(p.shortWindowSeconds * 12).toBe(p.longWindowSeconds);
      expect(p.factor).toBeCloseTo((row.budgetSpent * PERIOD_HOURS) / row.longHours, 9);
    }
    expect(BURN_RATE_POLICIES.map((p) => p.factor)).toEqual([14.4, 6, 1]);
  });
});

describe("generated alarms for prod (targets from config/prod.json)", () => {
  const { slos, windows, composites } = resolveBurnRateAlarms(prod);
  // 3 deployments × (availability + latency) + 2 clusters × GPU fleet.
  test("one SLO per deployment and kind, one per cluster; 6 window alarms and 3 composites each", () => {
    expect(slos.map((s) => `${s.slo}/${s.name}`).sort()).toEqual(
      [
        "aoai-availability/gpt-4o",
        "aoai-availability/gpt-4o-mini",
        "aoai-availability/o4-mini",
        "aoai-latency/gpt-4o",
        "aoai-latency/gpt-4o-mini",
        "aoai-latency/o4-mini",
        "gpu-fleet/infer-b",
        "gpu-fleet/train-a",
      ].sort(),
    );
    expect(windows).toHaveLength(8 * 6);
    expect(composites).toHaveLength(8 * 3);
  });

  test("thresholds are factor × (100 − target): 1.44 / 0.6 / 0.1 % at 99.9, 14.4 / 6 / 1 at 99, 7.2 / 3 / 0.5 at 99.5", () => {
    // prod: availability 99.9 (gpt-4o-mini 99.5), latency 99, GPU fleet 99.5 (train-a 99.9).
    const expected: Record<string, [number, number, number]> = {
      "aoai-availability/gpt-4o": [1.44, 0.6, 0.1],
      "aoai-availability/gpt-4o-mini": [7.2, 3, 0.5],
      "aoai-availability/o4-mini": [1.44, 0.6, 0.1],
      "aoai-latency/gpt-4o": [14.4, 6, 1],
      "aoai-latency/gpt-4o-mini": [14.4, 6, 1],
      "aoai-latency/o4-mini": [14.4, 6, 1],
      "gpu-fleet/train-a": [1.44, 0.6, 0.1],
      "gpu-fleet/infer-b": [7.2, 3, 0.5],
    };
    for (const c of composites) {
      const [p1, p2, p3] = expected[`${c.slo.slo}/${c.slo.name}`]!;
      const want = { P1: p1, P2: p2, P3: p3 }[c.tier];
      expect(c.long.threshold, c.name).toBe(want);
      expect(c.short.threshold, c.name).toBe(want);
      expect(c.long.comparison).toBe("GreaterThanThreshold");
    }
  });

  test("each window alarm is one datapoint whose period is the window plus the data's publish lag", () => {
    const byTier = { P1: [3600, 300], P2: [21_600, 1800], P3: [259_200, 21_600] } as const;
    // Platform metrics reach CloudWatch 4 min late (3 min settle + 1 poll), Log Analytics minutes
    // 11 min late (10 + 1), ingest aggregates within a minute: each window also spans those
    // unpublished minutes, so it holds the method's window of data.
    const lag = { "aoai-availability": 240, "aoai-latency": 660, "gpu-fleet": 60 } as const;
    for (const c of composites) {
      expect([c.long.windowSeconds, c.short.windowSeconds], c.name).toEqual(byTier[c.tier]);
      expect([c.long.periodSeconds, c.short.periodSeconds], c.name).toEqual(byTier[c.tier].map((w) => w + lag[c.slo.slo]));
      expect(c.long.role).toBe("long");
      expect(c.short.role).toBe("short");
    }
    for (const w of windows) expect([w.datapointsToAlarm, w.evaluationPeriods]).toEqual([1, 1]);
  });

  test("availability and GPU fleet are ratios of counts; latency is the percentile rank at the deployment's threshold", () => {
    const pick = (slo: string, name: string) => windows.find((w) => w.slo.slo === slo && w.slo.name === name)!.source;
    const availability = pick("aoai-availability", "gpt-4o");
    expect(Object.values(availability.inputs).map((i) => [i.metric, i.statistic])).toEqual([
      ["aoaiUnavailableRequests", "Sum"],
      ["aoaiRequests", "Sum"],
    ]);
    // gpt-4o-mini's sloP99Ms is 3000 in config/prod.json.
    expect(pick("aoai-latency", "gpt-4o-mini").inputs.good).toEqual({ metric: "aoaiLatencyP99Ms", statistic: "PR(:3000)" });
    expect(Object.values(pick("gpu-fleet", "train-a").inputs).map((i) => i.metric)).toEqual(["gpusExpected", "gpusHealthy"]);
  });
});

describe("the synthesised template", () => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "fw-slo-")) });
  const stack = new Stack(app, "Slo-prod", { env: { account: prod.account, region: prod.region } });
  const paging = new PagingTiers(stack, "Paging", { config: prod });
  // Stand-in for SignalAlarms' environment-wide network-outage alarm.
  const outage = new Alarm(stack, "NetworkOutage", {
    alarmName: "FleetWatch/prod/bmc-network-outage/critical",
    metric: new Metric({ namespace: "FleetWatch", metricName: "PollerBmcsUnreachable" }),
    threshold: 80,
    evaluationPeriods: 3,
  });
  new BurnRateAlarms(stack, "SloAlarms", { config: prod, paging, suppressors: { "bmc-network-outage": outage } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  const template = Template.fromStack(stack);
  type Props = Record<string, unknown>;
  const all = (type: string) => Object.values(template.findResources(type)).map((r) => r.Properties as Props);
  const topics = template.findResources("AWS::SNS::Topic");
  const topicId = (tier: string) => Object.entries(topics).find(([, t]) => t.Properties.TopicName === `fleetwatch-prod-${tier}`)![0];
  const alarms = all("AWS::CloudWatch::Alarm").filter((a) => (a.AlarmName as string).includes("/burn-"));
  const composites = all("AWS::CloudWatch::CompositeAlarm");

  test("window alarms have no actions; each composite is long AND short and sends ALARM and OK to its tier", () => {
    expect(alarms).toHaveLength(48);
    for (const a of alarms) {
      expect(a.ActionsEnabled).toBe(false);
      expect(a.AlarmActions).toBeUndefined();
      expect(a.TreatMissingData).toBe("notBreaching");
    }
    expect(composites).toHaveLength(24);
    for (const c of composites) {
      const name = c.AlarmName as string;
      const tier = /\/burn-(p[123])\//.exec(name)![1]!;
      expect(c.AlarmActions, name).toEqual([{ Ref: topicId(tier) }]);
      expect(c.OKActions, name).toEqual([{ Ref: topicId(tier) }]);
      const rule = JSON.stringify(c.AlarmRule);
      expect(rule).toContain("AND");
      const long = { p1: "1h", p2: "6h", p3: "3d" }[tier];
      const short = { p1: "5m", p2: "30m", p3: "6h" }[tier];
      const refs = [...rule.matchAll(/"Fn::GetAtt":\["([^"]+)","Arn"\]/g)].map((m) => m[1]);
      const names = refs.map((id) => template.findResources("AWS::CloudWatch::Alarm")[id!]!.Properties.AlarmName);
      const instance = name.split("/").at(-1);
      expect(names).toEqual([
        `${name.replace(`/burn-${tier}/`, `/burn-${tier}-${long}/`)}`,
        name.replace(`/burn-${tier}/`, `/burn-${tier}-${short}/`),
      ]);
      expect(names.every((n) => (n as string).endsWith(`/${instance}`))).toBe(true);
    }
  });

  test("GPU fleet pages are suppressed while the whole BMC network is down (one cause, one page); Azure SLOs are not", () => {
    for (const c of composites) {
      const gpu = (c.AlarmName as string).includes("/gpu-fleet/");
      expect(c.ActionsSuppressor !== undefined, c.AlarmName as string).toBe(gpu);
      if (gpu) {
        expect(JSON.stringify(c.ActionsSuppressor)).toContain("NetworkOutage");
        expect(c.ActionsSuppressorWaitPeriod).toBe(60);
        expect(c.ActionsSuppressorExtensionPeriod).toBe(600);
      }
    }
  });

  test("a P1 burn of 99.9 % availability alarms above an error ratio of 1.44 % over 1 h", () => {
    const p1 = alarms.find((a) => a.AlarmName === "FleetWatch/prod/aoai-availability/burn-p1-1h/gpt-4o")!;
    expect(p1.Threshold).toBe(1.44);
    const metrics = p1.Metrics as { MetricStat?: { Period: number; Stat: string; Metric: { MetricName: string } } }[];
    expect(
      metrics.filter((m) => m.MetricStat).map((m) => [m.MetricStat!.Metric.MetricName, m.MetricStat!.Period, m.MetricStat!.Stat]),
    ).toEqual([
      ["AoaiUnavailableRequests", 3840, "Sum"],
      ["AoaiRequests", 3840, "Sum"],
    ]);
  });
});

describe("limits at the bench:scale fleet (50 clusters × 200 BMCs, 40 deployments)", () => {
  const longName = (i: number) => `deployment-${String(i).padStart(2, "0")}-${"x".repeat(50)}`; // 64 characters
  const scaled: EnvironmentConfig = {
    ...prod,
    redfish: {
      ...prod.redfish,
      clusters: Array.from({ length: 50 }, (_, i) => ({ ...prod.redfish.clusters[0]!, name: `cluster-${i}` })),
    },
    azure: {
      ...prod.azure!,
      accounts: [
        {
          ...prod.azure!.accounts[0]!,
          deployments: Array.from({ length: 40 }, (_, i) => ({ ...prod.azure!.accounts[0]!.deployments[0]!, name: longName(i) })),
        },
      ],
    },
    slos: {
      ...prod.slos,
      aoaiAvailability: { ...prod.slos.aoaiAvailability, deployments: {} },
      gpuFleet: { ...prod.slos.gpuFleet, clusters: {} },
    },
  };
  const { windows, composites } = resolveBurnRateAlarms(scaled);

  test("every expression has at most 10 metrics, every composite rule at most 10,240 characters, names at most 255", () => {
    expect(composites).toHaveLength((50 + 2 * 40) * 3);
    expect(windows).toHaveLength((50 + 2 * 40) * 6);
    expect(Math.max(...windows.map((w) => Object.keys(w.source.inputs).length))).toBeLessThanOrEqual(10);
    expect(Math.max(...composites.map((c) => compositeRule(scaled, c).length))).toBeLessThanOrEqual(10_240);
    expect(Math.max(...[...windows, ...composites].map((a) => a.name.length))).toBeLessThanOrEqual(255);
    expect(Math.max(...[...windows, ...composites].map((a) => a.description.length))).toBeLessThanOrEqual(1024);
  });

  test("at that size the SLO alarms go to nested stacks of at most 500 resources; the main stack keeps none of them", () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "fw-slo-scale-")) });
    const stack = new Stack(app, "Slo-scale", { env: { account: scaled.account, region: scaled.region } });
    const construct = new BurnRateAlarms(stack, "SloAlarms", {
      config: scaled,
      paging: new PagingTiers(stack, "Paging", { config: scaled }),
    });
    app.synth();
    // 130 SLO instances, 50 per nested stack.
    expect(construct.nestedStacks).toHaveLength(3);
    const count = (s: Stack) => Object.keys(Template.fromStack(s).toJSON().Resources ?? {}).length;
    for (const nested of construct.nestedStacks) expect(count(nested)).toBeLessThanOrEqual(500);
    expect(Object.keys(Template.fromStack(stack).findResources("AWS::CloudWatch::Alarm"))).toHaveLength(0);
    expect(construct.compositeRefs.size).toBe(composites.length);
  });

  test("no window exceeds CloudWatch's evaluation range: 1 day under a 1 h period, 7 days otherwise", () => {
    for (const w of windows) {
      const range = w.periodSeconds * w.evaluationPeriods;
      expect(range, w.name).toBeLessThanOrEqual(w.periodSeconds < 3600 ? 86_400 : 604_800);
    }
  });
});

describe("config.slos validation", () => {
  const withSlos = (slos: unknown) => ({ ...JSON.parse(JSON.stringify(dev)), slos });

  test("targets from 90 to 99.99 are accepted", () => {
    expect(parseConfig(withSlos({ gpuFleet: { target: 90 } })).slos.gpuFleet.target).toBe(90);
    expect(parseConfig(withSlos({ aoaiAvailability: { target: 99.99 } })).slos.aoaiAvailability.target).toBe(99.99);
  });

  test.each([
    [{ gpuFleet: { target: 89.9 } }, "slos.gpuFleet.target"],
    [{ aoaiAvailability: { target: 99.995 } }, "slos.aoaiAvailability.target"],
    [{ aoaiAvailability: { deployments: { "gpt-4o": 100 } } }, "slos.aoaiAvailability.deployments.gpt-4o"],
    [{ aoaiLatency: { deployments: { "gpt-4o": { target: 50 } } } }, "slos.aoaiLatency.deployments.gpt-4o.target"],
  ])("%j fails naming %s and the allowed range", (slos, field) => {
    expect(() => parseConfig(withSlos(slos), "config/dev.json")).toThrow(ConfigError);
    expect(() => parseConfig(withSlos(slos), "config/dev.json")).toThrow(
      new RegExp(`${field.replace(/\./g, "\\.")}: an SLO target is a percentage between 90 and 99\\.99`),
    );
  });

  test("a per-instance target for a cluster or deployment that does not exist fails, listing the valid names", () => {
    const bad = parseConfig(withSlos({ gpuFleet: { clusters: { "lab-b": 99 } } }));
    expect(() => resolveBurnRateAlarms(bad)).toThrow(SloConfigError);
    expect(() => resolveBurnRateAlarms(bad)).toThrow(
      /slos\.gpuFleet\.clusters\.lab-b: no cluster named "lab-b" in this environment; clusters: lab-a/,
    );
  });

  test("enabled: false removes an SLO's alarms and brings back the threshold alarm it retired", () => {
    const off = parseConfig(withSlos({ aoaiAvailability: { enabled: false } }));
    expect(resolveBurnRateAlarms(off).slos.some((s) => s.slo === "aoai-availability")).toBe(false);
    expect(resolveAlarms(off).some((a) => a.signalId === "aoai-429-rate")).toBe(true);
    expect(resolveAlarms(dev).some((a) => a.signalId === "aoai-429-rate")).toBe(false);
    // Demotions follow the SLO too: zero-success is P1 again without the availability SLO.
    expect(resolveAlarms(off).find((a) => a.signalId === "aoai-zero-success")!.tier).toBe("P1");
    expect(resolveAlarms(dev).find((a) => a.signalId === "aoai-zero-success")!.tier).toBe("P2");
  });
});

/**
 * The point of the method, on minute data: a slow burn that a threshold alarm never sees pages,
 * and a short spike that a threshold alarm pages on does not. Windows slide minute by minute
 * (CloudWatch's default sliding evaluation window).
 */
describe("slow burn vs short spike (99.9 % availability, 1,000 requests a minute)", () => {
  const MIN = 60_000;
  const t0 = Date.parse("2026-11-30T00:00:00Z");
  const { composites } = resolveBurnRateAlarms(prod);
  const gpt4o = composites.filter((c) => c.slo.slo === "aoai-availability" && c.slo.name === "gpt-4o");

  /** Error ratio (%) per minute → the minute each tier's composite first alarms (long AND short), or undefined. */
  function firstPage(errorPercent: (minute: number) => number, minutes: number): Record<string, number | undefined> {
    const bad = Array.from({ length: minutes }, (_, m) => errorPercent(m) * 10); // of 1,000 requests
    const ratio = (end: number, windowMin: number) => {
      const from = Math.max(0, end - windowMin);
      let b = 0;
      for (let m = from; m < end; m++) b += bad[m]!;
      // Before the burn began the requests were all good: a full window of traffic.
      return (100 * b) / (windowMin * 1000);
    };
    const out: Record<string, number | undefined> = {};
    for (const c of gpt4o) {
      for (let end = 1; end <= minutes; end++) {
        // The method's windows (no publishing delay in this test).
        if (ratio(end, c.long.windowSeconds / 60) > c.long.threshold && ratio(end, c.short.windowSeconds / 60) > c.short.threshold) {
          out[c.tier] = end;
          break;
        }
      }
    }
    return out;
  }

  test("a steady 1.2 % of 429s: no P1 (under 14.4×); P2 when 5 % of the budget is gone (3 h), P3 at 10 % (6 h)", () => {
    // Budget: 0.1 % of 30 days of requests. At 1.2 % the budget goes at 12×: 1/360 of it a
    // minute... 5 % of it after 0.05 × 43,200 × 0.1 / 1.2 = 180 minutes, 10 % after 360.
    const pages = firstPage(() => 1.2, 8 * 60);
    expect(pages.P1).toBeUndefined();
    expect(pages.P2).toBe(181);
    expect(pages.P3).toBe(361);
    // The retired threshold alarm (429 rate > 5 % for 10 of 14 min) never fires at 1.2 %.
    const old = signalById("aoai-429-rate")!;
    expect(1.2 > old.levels.warn!.threshold).toBe(false);
  });

  test("8 % of 429s for 10 minutes: 1.85 % of the budget, under the 2 % of a P1; nothing pages, the threshold alarm would have", () => {
    const spike = (m: number) => (m >= 30 && m < 40 ? 8 : 0);
    expect(firstPage(spike, 8 * 60)).toEqual({});
    const old = signalById("aoai-429-rate")!;
    const level = old.levels.warn!;
    const samples = Array.from({ length: 120 }, (_, m) => ({ timestamp: t0 + m * MIN, value: spike(m) }));
    const transitions = simulateAlarm(
      {
        ...level,
        comparison: old.comparison,
        treatMissingData: old.treatMissingData,
        periodSeconds: old.periodSeconds,
        statistic: old.statistic,
      },
      samples,
      { from: t0, to: t0 + 120 * MIN, initialState: "OK" },
    );
    expect(transitions.map((t) => t.to)).toEqual(["ALARM", "OK"]);
  });

  test("a complete outage pages P1 within minutes (a 1000× burn)", () => {
    const pages = firstPage((m) => (m >= 60 ? 100 : 0), 120);
    // 1 h window: 1 bad minute of 60 is 1.67 % > 1.44 %; 5 min window: 20 % > 1.44 %.
    expect(pages.P1).toBe(61);
  });
});

describe("evaluation helpers for simulators", () => {
  test("percentile rank PR(:T) is the share of values at or under T (CloudWatch statistics definitions)", () => {
    expect(applyStatistic([100, 200, 300, 400], "PR(:300)")).toBe(75);
    expect(applyStatistic([301], "PR(:300)")).toBe(0);
  });

  test("the composite alarms only while both windows do, and sends OK when either recovers", () => {
    const long = [
      { at: 10, to: "ALARM" as const },
      { at: 50, to: "OK" as const },
    ];
    const short = [
      { at: 5, to: "ALARM" as const },
      { at: 20, to: "OK" as const },
      { at: 30, to: "ALARM" as const },
    ];
    expect(burnRateCompositeActions(long, short)).toEqual([
      { at: 10, kind: "ALARM" },
      { at: 20, kind: "OK" },
      { at: 30, kind: "ALARM" },
      { at: 50, kind: "OK" },
    ]);
  });
});

test("as catalog AlarmSpecs (for the simulator), each window pages through its composite", () => {
  const b = resolveBurnRateAlarms(prod);
  const { windows, composites } = burnRateAlarmSpecs(b);
  expect(windows).toHaveLength(b.windows.length);
  expect(composites.map((c) => c.name)).toEqual(b.composites.map((c) => c.name));
  const p1 = composites.find((c) => c.name === "FleetWatch/prod/aoai-availability/burn-p1/gpt-4o")!;
  expect([p1.signalId, p1.level, p1.tier, p1.instance]).toEqual(["aoai-availability/burn-p1", "critical", "P1", { deployment: "gpt-4o" }]);
  for (const w of windows) expect(composites.map((c) => c.name)).toContain(w.pagingAlarmName);
});
