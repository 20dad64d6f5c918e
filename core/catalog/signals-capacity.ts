/**
 * Capacity-planning signals (issue 18): regional Azure OpenAI quota headroom. Kept beside
 * signals.ts so capacity signals grow in one place; SIGNALS includes them.
 */
import type { SignalDefinition } from "./types";

export const CAPACITY_SIGNALS: readonly SignalDefinition[] = [
  {
    id: "aoai-regional-headroom",
    title: "Regional quota headroom",
    // Same question as the per-deployment quota row (docs/signal-catalog.md): plan quota before it runs out.
    catalogRow: "TPM usage vs deployment quota",
    scope: "environment",
    requiresAzure: true,
    source: () => ({ kind: "fleetwatch", metric: "azureQuotaHeadroomMinPercent" }),
    metricText: "AzureQuotaHeadroomMinPercent (lowest share of regional quota left, over every region x model row)",
    unit: "%",
    statistic: "Minimum",
    // Published hourly by capacity-forecast; two periods so a late run never leaves the window empty.
    periodSeconds: 3600,
    comparison: "LessThanThreshold",
    // The configurable share: config.thresholds["aoai-regional-headroom"].warn (percent).
    levels: { warn: { threshold: 20, tier: "P3", datapointsToAlarm: 1, evaluationPeriods: 2 } },
    // No datapoint means the reader did not run; that is an error of the Lambda, not a quota fact.
    treatMissingData: "missing",
    what: "Less than 20 % of the subscription's regional quota is left for a model the environment deploys: a new or larger deployment there will not fit.",
    lookAt: `Capacity dashboard > Regional quota headroom; Logs Insights query "quota-headroom"`,
    runbook:
      "Find the region and quota row in the headroom table; request a quota increase for it, move new deployments to a region with headroom, or free capacity from idle deployments.",
  },
];
