/**
 * Generates the README's alarm table from the signal catalog (defaults; config.thresholds
 * overrides them per environment) and rewrites README.md between the alarm-table markers.
 *   npm run docs:alarms          rewrite README.md
 *   npx tsx scripts/alarm-table.ts --check   exit 1 when README.md is out of date
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { conditionText } from "../core/catalog/operators";
import { SIGNALS } from "../core/catalog/signals";
import { BURN_RATE_POLICIES, budgetSpentPercent, burnThresholdPercent, SLO_PERIOD_DAYS, SLOS, windowLabel } from "../core/catalog/slo";
import type { SignalDefinition } from "../core/catalog/types";
import { SlosSchema } from "../core/config/schema";

export const START = "<!-- alarm-table:start -->";
export const END = "<!-- alarm-table:end -->";
export const README = resolve(import.meta.dirname, "..", "README.md");

const cell = (s: string) => s.replace(/\|/g, "\\|");

export function renderAlarmTable(signals: readonly SignalDefinition[] = SIGNALS): string {
  const rows = [
    "| Signal (id) | Metric | Condition | Stat / period | M of N | Missing data | Tier | Scope |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const s of signals) {
    for (const level of ["warn", "critical"] as const) {
      const l = s.levels[level];
      if (!l) continue;
      const period = l.periodSeconds ?? s.periodSeconds;
      const periodText = period % 3600 === 0 ? `${period / 3600} h` : `${period / 60} min`;
      const sup = s.supersededBy;
      const tier = !sup
        ? l.tier
        : sup.action === "retire"
          ? `~~${l.tier}~~ retired while SLO \`${sup.slo}\` is on`
          : `${sup.tier} while SLO \`${sup.slo}\` is on (else ${l.tier})`;
      rows.push(
        `| ${cell(s.title)} (\`${s.id}\`, ${level}) | ${cell(s.metricText)} | ${cell(conditionText(s.comparison, l.threshold, s.unit))} | ${s.statistic} / ${periodText} | ${l.datapointsToAlarm} of ${l.evaluationPeriods} | ${s.treatMissingData} | ${tier} | ${s.scope}${s.suppressedBy ? `, suppressed by \`${s.suppressedBy}\`` : ""}${s.requiresAzure ? ", Azure" : ""} |`,
      );
    }
  }
  return [
    "Generated from `core/catalog/signals.ts` and `core/catalog/slo.ts` by `npm run docs:alarms` (defaults; `config.thresholds.<id>` overrides per environment). Every alarm sends ALARM and OK to its tier. P1 → PagerDuty, P2 → Slack/Teams, P3 → email/ticket. Runbooks: docs/alarms.md.",
    "",
    ...rows,
    "",
    renderSloTable(),
  ].join("\n");
}

/** The SLO burn-rate alerts: per SLO (config.slos), three window pairs, each a composite (long AND short) that pages its tier. */
export function renderSloTable(): string {
  const rows = [
    `**SLO burn-rate alerts** (\`config.slos\`; error budget = 100 % − target over ${SLO_PERIOD_DAYS} days; one set per deployment or cluster). Each row is a composite alarm, long window AND short window, with ALARM and OK on its tier; the window alarms have no actions. Each alarm's period is its window plus the SLO's publish lag (Azure minutes reach CloudWatch late). Method and sources: docs/alarms.md.`,
    "",
    "| SLO (id) | SLI (good / valid) | Tier | Burn rate | Long window | Short window | Budget spent when it fires | Bad share that alarms at the default target |",
    "|---|---|---|---|---|---|---|---|",
  ];
  // The schema's defaults, what an environment gets without config.slos.
  const d = SlosSchema.parse({});
  const defaults = { "aoai-availability": d.aoaiAvailability.target, "aoai-latency": d.aoaiLatency.target, "gpu-fleet": d.gpuFleet.target };
  for (const slo of SLOS) {
    for (const p of BURN_RATE_POLICIES) {
      const lag = slo.publishLagMinutes;
      const windowText = (seconds: number) => `${windowLabel(seconds)}${lag > 0 ? ` + ${lag} min` : ""}`;
      rows.push(
        `| ${cell(slo.title)} (\`${slo.id}\`, ${slo.scope}) | ${cell(slo.sli)} | ${p.tier} | ${p.factor}× | ${windowText(p.longWindowSeconds)} | ${windowText(p.shortWindowSeconds)} | ${budgetSpentPercent(p)} % | > ${burnThresholdPercent(defaults[slo.id], p.factor)} % at ${defaults[slo.id]} % |`,
      );
    }
  }
  return rows.join("\n");
}

/** README text with the table between the markers (markers appended under a heading when absent). */
export function withAlarmTable(readme: string, table = renderAlarmTable()): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1 || end < start) {
    return `${readme.replace(/\s*$/, "")}\n\n## Alarms and paging\n\n${START}\n${table}\n${END}\n`;
  }
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const current = readFileSync(README, "utf8");
  const next = withAlarmTable(current);
  if (process.argv.includes("--check")) {
    if (current !== next) {
      console.error("README.md alarm table is out of date: run npm run docs:alarms");
      process.exit(1);
    }
  } else if (current !== next) {
    writeFileSync(README, next);
    console.log("README.md alarm table updated");
  }
}
