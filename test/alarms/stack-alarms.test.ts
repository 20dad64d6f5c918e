/** The whole stack, as `cdk synth` builds it: exactly the alarms the catalog describes, none skipped. */
import { expect, test } from "vitest";
import { resolveAlarms, resolveBurnRateAlarms } from "../../core/catalog";
import { loadConfig } from "../../lib/config/load";
import { synthEnvironment } from "../support/synth";

test.each(["dev", "prod"])("FleetWatch-%s: every alarm the catalog describes exists, none is skipped, no other exists", (envName) => {
  const { template, stack } = synthEnvironment(envName);
  const config = loadConfig(envName);
  // In the real stack every pipeline resource is wired: an alarm skipped here would never page.
  expect(stack.signalAlarms.skipped).toEqual([]);
  // The catalog's signals (metric alarms and the composites that page for suppressed ones) and
  // the SLO burn-rate alarms (core/catalog/slo.ts: windows and composites).
  const slo = resolveBurnRateAlarms(config);
  const described = [
    ...new Set([
      ...resolveAlarms(config).flatMap((a) => [a.name, a.pagingAlarmName]),
      ...[...slo.windows, ...slo.composites].map((a) => a.name),
    ]),
  ].sort();
  const names = [
    ...Object.values(template.findResources("AWS::CloudWatch::Alarm")),
    ...Object.values(template.findResources("AWS::CloudWatch::CompositeAlarm")),
  ]
    .map((r) => r.Properties.AlarmName as string)
    .sort();
  expect(names).toEqual(described);
});
