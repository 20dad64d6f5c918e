/**
 * Regional quota headroom: read quota and deployments from ARM, compute headroom per region x
 * quota row (headroom.ts), publish it per configured deployment (the row that deployment draws
 * from) and the lowest over every row (the aoai-regional-headroom P3 signal reads that one),
 * and log every row and every deployment whose row was not found.
 */

import type { CapacitySettings } from "../../core/contracts/capacity-forecast-settings";
import type { Log } from "../shared/log";
import type { MetricDatum as Datum, MetricSink } from "../shared/put-metric-data";
import { computeHeadroom, type HeadroomReport } from "./headroom";
import type { QuotaReader } from "./ports";

export async function runHeadroom(
  s: CapacitySettings,
  ports: { quota: QuotaReader; sink: MetricSink; log: Log },
  now: Date,
): Promise<HeadroomReport | undefined> {
  if (!s.azure) return undefined;
  const regions = await ports.quota.read(s.azure.accounts);
  const report = computeHeadroom(regions);
  const data: Datum[] = [];
  for (const row of report.rows) {
    ports.log.info("quota headroom", { event: "fleetwatch.quota_headroom", ...row, deployments: row.deployments.join(",") });
    for (const d of row.deployments) {
      data.push({
        metric: "azureQuotaHeadroomPercent",
        dimensions: { Environment: s.environment, Deployment: d },
        value: row.headroomPercent,
        timestamp: now,
      });
    }
  }
  for (const u of report.unmatched) ports.log.info("quota row not found", { event: "fleetwatch.quota_unmatched", ...u });
  if (report.minHeadroomPercent !== undefined) {
    data.push({
      metric: "azureQuotaHeadroomMinPercent",
      dimensions: { Environment: s.environment },
      value: report.minHeadroomPercent,
      timestamp: now,
    });
  }
  await ports.sink.publish(data);
  return report;
}
