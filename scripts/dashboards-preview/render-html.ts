/**
 * Renders a dashboard spec as one self-contained HTML page (inline CSS and SVG, no scripts,
 * no network): the layout, every widget with its title, metrics, threshold lines and
 * deterministic SAMPLE data, so a reviewer without an AWS account sees what `cdk deploy`
 * creates. Pure: same spec and config in, same bytes out.
 */

import { resolveAlarms } from "../../core/catalog";
import type { Tier } from "../../core/catalog/types";
import type { EnvironmentConfig } from "../../core/config/schema";
import { METRICS, type MetricKey } from "../../core/metric-registry";
import { THRESHOLD_COLOURS } from "../../dashboards/cloudwatch-body";
import type { DashboardSpec, GraphWidgetSpec, LogsWidgetSpec, MetricQuery, WidgetSpec } from "../../dashboards/spec";
import { asSeries, evaluate } from "../../dev-support/metric-math";
import { seedOf, uniformFrom } from "../../dev-support/random";

const UNIT_W = 50;
const UNIT_H = 40;
const PALETTE = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

// ---------- deterministic sample data ----------

/** One seeded stream per name: the same widget always gets the same sample data. */
function rng(name: string): () => number {
  return uniformFrom(seedOf(name));
}

interface SampleContext {
  readonly config: EnvironmentConfig;
  readonly periodSeconds: number;
  readonly points: number;
}

/** Plausible values per metric: counts scale with the period, gauges do not. */
function sampleMetric(q: MetricQuery, ctx: SampleContext, seed: string): number[] {
  const r = rng(seed);
  const perMinute = ctx.periodSeconds / 60;
  const n = ctx.points;
  const c = ctx.config;
  const bmcsPerCluster = 250;
  const deployments = Math.max(
    1,
    (c.azure?.accounts ?? []).reduce((k, a) => k + a.deployments.length, 0),
  );
  const slo = (c.azure?.accounts ?? []).flatMap((a) => a.deployments).find((d) => d.name === q.dimensions.Deployment)?.sloP99Ms ?? 5000;
  const wave = (i: number) => Math.sin((i / n) * Math.PI * 4 + r() * 0.3);
  const spike = (i: number) => (i > n * 0.7 && i < n * 0.85 ? 1 : 0);
  const gen = (f: (i: number) => number) => Array.from({ length: n }, (_, i) => Math.max(0, f(i)));
  const key: MetricKey = q.metric;
  switch (key) {
    case "gpuTemperatureMaxC":
      return gen((i) => 68 + 4 * wave(i) + 12 * spike(i) + r() * 2);
    case "gpusOverWarnTemperature":
      return gen((i) => Math.round(r() * 2 + 4 * spike(i)));
    case "gpusOverCriticalTemperature":
      return gen((i) => Math.round(spike(i) * r() * 2));
    case "gpusThrottled":
      return gen((i) => Math.round(r() * 3 + 3 * spike(i)));
    case "gpusNewUncorrectableEcc":
      return gen((i) => (i === Math.floor(n * 0.6) ? 1 : 0));
    case "gpusReporting": {
      // Sized so the sample GPU spend sits near 85 % of the daily budget, like a healthy month.
      const gpus = (c.budgets.dailyGpuBudgetUsd * 0.85) / Math.max(c.budgets.gpuHourUsd, 0.01) / 24 / c.redfish.clusters.length;
      return gen(() => gpus * (ctx.periodSeconds / c.redfish.intervalSeconds) * (0.95 + r() * 0.1));
    }
    case "gpusReportingInEnvironment": {
      const gpus = (c.budgets.dailyGpuBudgetUsd * 0.85) / Math.max(c.budgets.gpuHourUsd, 0.01) / 24;
      return gen(() => gpus * (ctx.periodSeconds / c.redfish.intervalSeconds) * (0.95 + r() * 0.1));
    }
    case "pollerBmcsPolledInEnvironment":
      return gen(() => bmcsPerCluster * c.redfish.clusters.length * perMinute);
    case "pollerBmcsUnreachableInEnvironment":
      return gen((i) => (r() * 2 + 15 * spike(i)) * c.redfish.clusters.length * perMinute);
    case "aoai5xxRequests":
      return gen((i) => (600 + 200 * wave(i)) * 0.002 * (1 + 4 * spike(i)) * perMinute);
    case "fansFailed":
      return gen((i) => (i > n * 0.5 ? 1 : 0) + (i > n * 0.9 ? 1 : 0));
    case "maxFansFailedPerChassis":
      return gen((i) => (i > n * 0.5 ? 1 : 0));
    case "chassisAtPowerCap":
      return gen((i) => Math.round(r() * 2 + 2 * spike(i)));
    case "bmcsUnreachable":
    case "bmcsStale":
      return gen(() => Math.round(r() * 2));
    case "pollerBmcsPolled":
      return gen(() => bmcsPerCluster * perMinute);
    case "pollerBmcsUnreachable":
      return gen((i) => (r() * 2 + 15 * spike(i)) * perMinute);
    case "pollerAuthFailures":
    case "pollerSnapshotsUndelivered":
    case "sinkRecordsRejected":
    case "azurePollErrors":
      return gen((i) => (i === Math.floor(n * 0.4) ? 2 : 0));
    case "pollerRequests":
      return gen(() => bmcsPerCluster * 3 * perMinute);
    case "pollerSweepDurationMs":
      return gen((i) => 9000 + 3000 * wave(i) + r() * 2000);
    case "snapshotsIngested":
      return gen(() => bmcsPerCluster * perMinute * (0.98 + r() * 0.02));
    case "azureTelemetryStalenessSeconds":
      return gen((i) => 60 + r() * 30 + 200 * spike(i));
    case "aoaiRequests":
      return gen((i) => (600 + 200 * wave(i) + r() * 50) * perMinute);
    case "aoaiSuccessfulRequests":
      return gen((i) => (600 + 200 * wave(i)) * 0.995 * perMinute);
    case "aoai429RatePercent":
      return gen((i) => 1 + r() * 1.5 + 6 * spike(i));
    case "aoai4xxRatePercent":
      return gen((i) => 2.5 + r() * 1.5 + 6 * spike(i));
    case "aoai5xxRatePercent":
      return gen(() => r() * 0.15);
    case "aoaiTimeToFirstTokenMs":
      return gen((i) => 0.08 * slo + 0.02 * slo * wave(i));
    case "aoaiLatencyP50Ms":
      return gen((i) => 0.25 * slo + 0.05 * slo * wave(i));
    case "aoaiLatencyP95Ms":
      return gen((i) => 0.55 * slo + 0.1 * slo * wave(i));
    case "aoaiLatencyP99Ms":
      return gen((i) => 0.8 * slo + 0.1 * slo * wave(i) + 0.4 * slo * spike(i));
    case "aoaiPromptTokens":
    case "aoaiGeneratedTokens":
    case "aoaiTokens":
      return gen((i) => ((90_000 + 30_000 * wave(i)) * perMinute * (1 + (0.25 * i) / n)) / (key === "aoaiTokens" ? 1 : 2));
    case "aoaiTpmUtilizationPercent":
      return gen((i) => 55 + 15 * wave(i) + 15 * spike(i) + r() * 5);
    case "aoaiRpmUtilizationPercent":
      return gen((i) => 35 + 10 * wave(i) + r() * 5);
    case "aoaiEstimatedCostUsd":
      return gen(() => ((c.budgets.dailyTokenBudgetUsd * 0.85) / deployments) * (ctx.periodSeconds / 86_400) * (0.85 + r() * 0.35));
    case "aoaiTeamEstimatedCostUsd":
      return gen(() => (c.budgets.dailyTokenBudgetUsd / deployments) * (ctx.periodSeconds / 86_400));
    case "incidentsOpened":
    case "incidentsResolved": {
      // Per tier per period: P1 rare, P3 most often.
      const rate = { P1: 0.4, P2: 1.5, P3: 3 }[q.dimensions.Tier as "P1" | "P2" | "P3"] ?? 1;
      return gen(() => Math.round(rate * (ctx.periodSeconds / (7 * 86_400)) * (0.5 + r() * 1.5)));
    }
    case "incidentResolutionSeconds": {
      // Minutes to resolve: P1 about 45, P2 about 90, P3 a day; times the incidents in the period.
      const minutes = { P1: 45, P2: 90, P3: 1440 }[q.dimensions.Tier as "P1" | "P2" | "P3"] ?? 60;
      const rate = { P1: 0.4, P2: 1.5, P3: 3 }[q.dimensions.Tier as "P1" | "P2" | "P3"] ?? 1;
      return gen(() => Math.max(1, rate * (ctx.periodSeconds / (7 * 86_400))) * minutes * 60 * (0.6 + r() * 0.8));
    }
    case "forecastAoaiTokensPerDay":
    case "forecastAoaiRequestsPerDay":
    case "forecastAoaiTokensPercentOfQuota":
    case "forecastAoaiSpendPercentOfBudget":
    case "forecastGpusReporting":
    case "forecastGpuSpendPercentOfBudget": {
      // Each day's projection for its horizon: growing, the longer horizons higher.
      const h = Number(q.dimensions.HorizonDays ?? 30);
      const base =
        key === "forecastAoaiTokensPerDay"
          ? 1.3e8
          : key === "forecastAoaiRequestsPerDay"
            ? 9e5
            : key === "forecastGpusReporting"
              ? (c.budgets.dailyGpuBudgetUsd * 0.85) / Math.max(c.budgets.gpuHourUsd, 0.01) / 24 / c.redfish.clusters.length
              : 70;
      return gen((i) => base * (1 + (0.002 * h + (0.1 * i) / n) * (1 + r() * 0.05)));
    }
    case "forecastDaysToQuota":
    case "forecastDaysToBudget":
    case "forecastGpuDaysToBudget":
      return gen((i) => Math.round(120 - (40 * i) / n + r() * 5));
    case "azureQuotaHeadroomPercent":
    case "azureQuotaHeadroomMinPercent":
      return gen((i) => 45 - (30 * i) / n + r() * 3);
    default:
      // A metric added to the registry after this table: small counts, clearly sample data.
      return gen(() => Math.round(r() * 5 * perMinute));
  }
}

function parseDurationSeconds(iso: string): number {
  const m = /^-P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!m) throw new Error(`preview: unsupported time range ${iso}`);
  return Number(m[1] ?? 0) * 86_400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60;
}

export interface PlottedSeries {
  readonly label: string;
  readonly values: number[];
}

/** Sample series for a graph widget's visible queries (expressions evaluated). */
export function sampleGraph(w: GraphWidgetSpec, dashboard: DashboardSpec, config: EnvironmentConfig): PlottedSeries[] {
  const range = parseDurationSeconds(w.start ?? dashboard.start);
  const periodSeconds = w.setPeriodToTimeRange ? range : w.periodSeconds;
  const points = Math.max(1, Math.min(60, Math.floor(range / periodSeconds)));
  const ctx: SampleContext = { config, periodSeconds, points };
  const series = new Map<string, number[]>();
  for (const q of w.queries) {
    const values =
      q.kind === "metric"
        ? sampleMetric(q, ctx, `${dashboard.id}/${q.metric}/${JSON.stringify(q.dimensions)}`)
        : asSeries(evaluate(q.expression, { series, periodSeconds, length: points }), points);
    series.set(q.id, values);
  }
  return w.queries.filter((q) => q.visible).map((q) => ({ label: q.label, values: series.get(q.id)! }));
}

// ---------- HTML ----------

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function markdown(md: string): string {
  return md
    .split("\n")
    .map((line) => {
      const h = /^(#{1,3})\s+(.*)$/.exec(line);
      const inline = (t: string) => esc(t).replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>");
      return h ? `<h${h[1]!.length + 1}>${inline(h[2]!)}</h${h[1]!.length + 1}>` : `<p>${inline(line)}</p>`;
    })
    .join("");
}

function metricList(w: GraphWidgetSpec): string {
  const items = w.queries.map((q) => {
    const what =
      q.kind === "metric"
        ? `FleetWatch/${METRICS[q.metric].name} ${Object.entries(q.dimensions)
            .map(([k, v]) => `${k}=${v}`)
            .join(" ")} · ${q.stat}`
        : `= ${q.expression}`;
    return `<li class="${q.visible ? "" : "hidden-q"}" data-query-id="${esc(q.id)}"><code>${esc(q.id)}</code> ${esc(what)}</li>`;
  });
  return `<details class="metrics"><summary>${w.queries.length} metric${w.queries.length === 1 ? "" : "s"}</summary><ul>${items.join("")}</ul></details>`;
}

function chart(w: GraphWidgetSpec, series: PlottedSeries[], width: number, height: number): string {
  const pad = { l: 46, r: 8, t: 8, b: 18 };
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v));
  const lines = w.thresholds.map((t) => t.value);
  let min = w.yAxis?.min ?? Math.min(0, ...all, ...lines);
  let max = w.yAxis?.max ?? Math.max(...all, ...lines, 1) * 1.1;
  if (!(max > min)) {
    min = 0;
    max = 1;
  }
  const iw = width - pad.l - pad.r;
  const ih = height - pad.t - pad.b;
  const y = (v: number) => pad.t + ih - ((Math.min(Math.max(v, min), max) - min) / (max - min)) * ih;
  const n = Math.max(1, (series[0]?.values.length ?? 1) - 1);
  const x = (i: number) => pad.l + (i / n) * iw;
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const v = min + (max - min) * f;
      return `<line x1="${pad.l}" x2="${width - pad.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/><text x="${pad.l - 4}" y="${(y(v) + 3).toFixed(1)}" class="tick">${fmt(v)}</text>`;
    })
    .join("");
  const paths = series
    .map((s, k) => {
      const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${x(i).toFixed(1)},${y(v).toFixed(1)}` : "")).filter(Boolean);
      return `<polyline class="series" data-series="${esc(s.label)}" fill="none" stroke="${PALETTE[k % PALETTE.length]}" stroke-width="1.6" points="${pts.join(" ")}"/>`;
    })
    .join("");
  const thresholds = w.thresholds
    .map((t) => {
      const yy = y(t.value).toFixed(1);
      const colour = THRESHOLD_COLOURS[t.severity];
      const shade =
        t.fill === "above"
          ? `<rect x="${pad.l}" y="${pad.t}" width="${iw}" height="${(Number(yy) - pad.t).toFixed(1)}" fill="${colour}" opacity="0.07"/>`
          : t.fill === "below"
            ? `<rect x="${pad.l}" y="${yy}" width="${iw}" height="${(pad.t + ih - Number(yy)).toFixed(1)}" fill="${colour}" opacity="0.07"/>`
            : "";
      return `<g class="threshold" data-threshold="${t.value}" data-severity="${t.severity}">${shade}<line x1="${pad.l}" x2="${width - pad.r}" y1="${yy}" y2="${yy}" stroke="${colour}" stroke-dasharray="5 3" stroke-width="1.4"/><text x="${width - pad.r - 2}" y="${Number(yy) - 3}" text-anchor="end" fill="${colour}" class="tlabel">${esc(t.label)}</text></g>`;
    })
    .join("");
  const label = w.yAxis?.label ? `<text x="4" y="${pad.t + 8}" class="tick" text-anchor="start">${esc(w.yAxis.label)}</text>` : "";
  return `<svg class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(w.title)}">${grid}${thresholds}${paths}${label}<text x="${pad.l}" y="${height - 4}" class="tick" text-anchor="start">older</text><text x="${width - pad.r}" y="${height - 4}" class="tick">now</text></svg>`;
}

function graphWidget(w: GraphWidgetSpec, dashboard: DashboardSpec, config: EnvironmentConfig, width: number, height: number): string {
  const series = sampleGraph(w, dashboard, config);
  const legend = series
    .map((s, k) => `<span class="key"><i style="background:${PALETTE[k % PALETTE.length]}"></i>${esc(s.label)}</span>`)
    .join("");
  if (w.view === "singleValue" || w.view === "gauge") {
    const values = series
      .map((s) => {
        const last = [...s.values].reverse().find((v) => Number.isFinite(v)) ?? Number.NaN;
        return `<div class="single"><div class="big" data-value="${Number.isFinite(last) ? last.toFixed(4) : ""}">${fmt(last)}</div><div class="sub">${esc(s.label)}</div></div>`;
      })
      .join("");
    const targets = w.thresholds.map((t) => `<span class="target" data-threshold="${t.value}">${esc(t.label)}</span>`).join("");
    return `<div class="singles">${values}</div>${targets ? `<div class="targets">${targets}</div>` : ""}${metricList(w)}`;
  }
  return `${chart(w, series, width - 16, height - 86)}<div class="legend">${legend}</div>${metricList(w)}`;
}

function sampleCell(column: string, row: number, r: () => number, config: EnvironmentConfig): string {
  const cluster = config.redfish.clusters[row % config.redfish.clusters.length]!.name;
  const deployments = (config.azure?.accounts ?? []).flatMap((a) => a.deployments.map((d) => d.name));
  if (column === "cluster") return cluster;
  if (column === "bmc") return `10.20.${row % 3}.${11 + row * 7}`;
  if (column === "gpu" || column === "hottestGpu") return `GPU_SXM_${1 + ((row * 3) % 8)}`;
  if (column === "deployment") return deployments[row % Math.max(1, deployments.length)] ?? "gpt-4o";
  if (/TempC/.test(column) || column === "temperatureC") return (86 - row * 2.5 + r()).toFixed(1);
  if (column === "@timestamp" || column === "lastSeen" || column === "window" || column === "lastGoodAt")
    return `sample −${row * 5 + 1} min`;
  if (column === "event") return ["fleetwatch.snapshot", "fleetwatch.gpu", "fleetwatch.fan"][row % 3]!;
  if (column === "lastStatus" || column === "status") return ["unreachable", "auth_failed", "error"][row % 3]!;
  if (column === "lastError")
    return [
      "connect ETIMEDOUT after 5000 ms",
      "HTTP 401 from /redfish/v1/SessionService/Sessions",
      "TLS: unable to verify the first certificate",
    ][row % 3]!;
  if (column === "level") return ["critical", "warn"][row % 2]!;
  if (column === "tier") return ["P1", "P2", "P3"][row % 3]!;
  if (column === "flaps") return String(row % 3 === 1 ? 1 : 0);
  if (column === "signal") return ["gpu-temperature", "aoai-429-rate", "aoai-tpm-quota", "fan-failed", "bmc-telemetry-stale"][row % 5]!;
  if (column === "scope") return row % 2 ? cluster : (deployments[0] ?? "environment");
  if (column === "resolvedAt" || column === "started") return `sample −${row * 7 + 2} h`;
  if (column === "incidentId") return `FleetWatch/${config.name}/…@sample`;
  if (column === "region")
    return (config.azure?.accounts ?? [])[row % Math.max(1, config.azure?.accounts.length ?? 1)]?.region ?? "swedencentral";
  if (column === "quotaName") return ["OpenAI.Standard.gpt-4o", "OpenAI.GlobalStandard.gpt-4o-mini", "AccountCount"][row % 3]!;
  if (column === "fleetWatchDeployments") return deployments[row % Math.max(1, deployments.length)] ?? "";
  if (column === "series")
    return `${deployments[row % Math.max(1, deployments.length)] ?? cluster}/${["tokens", "requests", "gpus"][row % 3]}`;
  if (column === "line") return ["quota", "budget"][row % 2]!;
  if (column === "crossing") return `sample 2027-0${1 + (row % 9)}-1${row % 10}`;
  if (/Pct$/.test(column)) return (8 + row * 4.5 + r()).toFixed(1);
  if (column === "quota") return String(450 - row * 50);
  if (column === "used") return String(Math.round((450 - row * 50) * (0.9 - row * 0.05)));
  if (column === "fleetWatch") return String(Math.round((450 - row * 50) * (0.6 - row * 0.05)));
  if (/reason|Reason/.test(column)) return ["HwSlowdown", "SwPowerCap", "ThermalLimit"][row % 3]!;
  return String(Math.max(0, Math.round((12 - row * 2) * (0.6 + r()))));
}

function logsWidget(w: LogsWidgetSpec, config: EnvironmentConfig): string {
  const r = rng(w.title);
  const head = w.columns.map((c) => `<th>${esc(c)}</th>`).join("");
  const rows = Array.from(
    { length: 5 },
    (_, i) => `<tr>${w.columns.map((c) => `<td>${esc(sampleCell(c, i, r, config))}</td>`).join("")}</tr>`,
  ).join("");
  return `<div class="sources">Logs Insights · ${w.sources.map(esc).join(", ")}</div><div class="tablewrap"><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div><details class="metrics"><summary>query</summary><pre>${esc(w.query)}</pre></details>`;
}

function alarmsWidget(tiers: readonly Tier[], config: EnvironmentConfig): string {
  const alarms = resolveAlarms(config).filter((a) => tiers.includes(a.tier));
  const rows = alarms
    .slice(0, 12)
    .map((a, i) => {
      const state = i === 0 ? "ALARM" : "OK";
      return `<li class="alarm ${state.toLowerCase()}"><span class="state">${state}</span> ${esc(a.name)}</li>`;
    })
    .join("");
  const more = alarms.length > 12 ? `<li class="more">… and ${alarms.length - 12} more</li>` : "";
  return `<ul class="alarms" data-alarm-count="${alarms.length}">${rows}${more}</ul>`;
}

function widgetHtml(w: WidgetSpec, dashboard: DashboardSpec, config: EnvironmentConfig, x: number, y: number): string {
  const width = w.width * UNIT_W;
  const height = w.height * UNIT_H;
  const style = `left:${x * UNIT_W}px;top:${y * UNIT_H}px;width:${width - 8}px;height:${height - 8}px`;
  const body =
    w.type === "text"
      ? `<div class="md">${markdown(w.markdown)}</div>`
      : w.type === "graph"
        ? graphWidget(w, dashboard, config, width, height)
        : w.type === "logs"
          ? logsWidget(w, config)
          : alarmsWidget(w.tiers, config);
  const title = w.type === "text" ? "" : `<h3 class="title">${esc(w.title)}</h3>`;
  return `<section class="widget ${w.type}" data-widget-type="${w.type}" data-title="${esc(w.title)}" style="${style}">${title}${body}</section>`;
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:13px/1.35 "DejaVu Sans",Arial,sans-serif;background:#f2f3f3;color:#16191f}
header{padding:14px 20px;background:#232f3e;color:#fff}header h1{margin:0 0 4px;font-size:20px}header .q{opacity:.9}
.banner{display:inline-block;margin-top:6px;padding:2px 8px;background:#ff9900;color:#000;font-weight:bold;border-radius:3px}
.vars{margin-top:6px}.vars label{margin-right:6px}.vars input{font:inherit;padding:2px 6px;width:220px}
.grid-area{position:relative;margin:12px 20px}
.widget{position:absolute;background:#fff;border:1px solid #d5dbdb;border-radius:4px;padding:6px 8px;overflow:hidden}
.widget .title{margin:0 0 4px;font-size:13px;font-weight:bold;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.widget.text{background:transparent;border:none}.md h2{margin:2px 0;font-size:17px}.md h3{margin:2px 0;font-size:15px}.md p{margin:2px 0}
.chart .grid{stroke:#eaeded}.chart .tick{font-size:10px;fill:#687078;text-anchor:end}.chart .tlabel{font-size:10px}
.legend{font-size:11px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.legend .key{margin-right:10px}.legend i{display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle}
.singles{display:flex;gap:16px;flex-wrap:wrap}.single .big{font-size:30px;font-weight:bold;color:#0073bb}.single .sub{color:#545b64;font-size:11px}
.targets .target{display:inline-block;margin:4px 6px 0 0;padding:1px 6px;border:1px dashed #1f77b4;border-radius:3px;font-size:11px}
.metrics{font-size:10.5px;color:#545b64}.metrics ul{margin:2px 0;padding-left:14px}.metrics .hidden-q{opacity:.6}.metrics pre{white-space:pre-wrap;margin:2px 0}
.sources{font-size:11px;color:#545b64;margin-bottom:3px}.tablewrap{overflow:hidden}table{border-collapse:collapse;width:100%;font-size:11px}th,td{border-bottom:1px solid #eaeded;padding:2px 4px;text-align:left;white-space:nowrap}th{background:#fafafa}
.alarms{list-style:none;margin:0;padding:0;font-size:11.5px}.alarm .state{display:inline-block;width:48px;font-weight:bold}.alarm.alarm .state{color:#d13212}.alarm.ok .state{color:#1d8102}
`;

export interface PreviewOptions {
  /** Shown in the header: where the preview came from. */
  readonly source: string;
}

export function renderDashboardHtml(dashboard: DashboardSpec, config: EnvironmentConfig, options: PreviewOptions): string {
  let y = 0;
  const widgets: string[] = [];
  for (const row of dashboard.rows) {
    let x = 0;
    let h = 0;
    for (const w of row) {
      widgets.push(widgetHtml(w, dashboard, config, x, y));
      x += w.width;
      h = Math.max(h, w.height);
    }
    y += h;
  }
  const vars = dashboard.variables
    .map(
      (v) => `<label for="var-${esc(v.id)}">${esc(v.label)}</label><input id="var-${esc(v.id)}" value="${esc(v.defaultValue)}" readonly>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${esc(dashboard.name)} (preview)</title><style>${CSS}</style></head>
<body><header><h1 id="dashboard-name">${esc(dashboard.name)}</h1><div class="q">${esc(dashboard.question)} · default range ${esc(dashboard.start)}, period ${dashboard.periodSeconds} s · ${esc(options.source)}</div>
<div class="banner">SAMPLE DATA — generated for this preview, not live metrics</div>${vars ? `<div class="vars">${vars}</div>` : ""}</header>
<main class="grid-area" style="height:${y * UNIT_H + 8}px;width:${24 * UNIT_W}px">${widgets.join("\n")}</main></body></html>
`;
}

/** Page height in CSS pixels (for screenshots). */
export function pageHeight(dashboard: DashboardSpec): number {
  return dashboard.rows.reduce((h, row) => h + Math.max(...row.map((w) => w.height)), 0) * UNIT_H + 160;
}
