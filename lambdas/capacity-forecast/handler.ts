/**
 * capacity-forecast: two schedules invoke it, {"task":"forecast"} daily and {"task":"headroom"}
 * hourly. Thin: settings, adapters, then run-forecast.ts / run-headroom.ts.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { ClientSecretCredential } from "@azure/identity";
import { z } from "zod";
import { CapacitySettingsSchema, SETTINGS_ENV_VAR } from "../../core/contracts/capacity-forecast-settings";
import { ServicePrincipalSource } from "../shared/azure/service-principal";
import { jsonVariable, readEnvironment } from "../shared/environment";
import { powertoolsLog } from "../shared/log";
import { PutMetricDataSink } from "../shared/put-metric-data";
import { ArmQuotaReader } from "./adapters/arm-quota";
import { CloudWatchMetricHistory } from "./adapters/cloudwatch";
import { runForecast } from "./run-forecast";
import { runHeadroom } from "./run-headroom";

/** Written by lib/capacity at synth time. */
const settings = readEnvironment("capacity-forecast", z.object({ [SETTINGS_ENV_VAR]: jsonVariable(CapacitySettingsSchema) }))[
  SETTINGS_ENV_VAR
];
const logger = new Logger();
const history = new CloudWatchMetricHistory();
const sink = new PutMetricDataSink();
const log = powertoolsLog(logger);
const Task = z.object({ task: z.enum(["forecast", "headroom"]) });

async function quotaReader(): Promise<ArmQuotaReader | undefined> {
  const azure = settings.azure;
  if (!azure) return undefined;
  const sp = await new ServicePrincipalSource(azure.credentialsSecretName).get();
  const credential = new ClientSecretCredential(sp.tenantId, sp.clientId, sp.clientSecret, {
    authorityHost: azure.authorityHost,
    disableInstanceDiscovery: true,
  });
  return new ArmQuotaReader(credential, { resourceManager: azure.resourceManager });
}

export async function handler(event: unknown): Promise<void> {
  const parsed = Task.safeParse(event);
  if (!parsed.success) throw new Error('capacity-forecast expects {"task":"forecast"} or {"task":"headroom"} (set by its schedules)');
  const now = new Date();
  const quota = await quotaReader();
  if (parsed.data.task === "headroom") {
    if (!quota) return;
    await runHeadroom(settings, { quota, sink, log }, now);
    return;
  }
  // Capacity per deployment for the quota line; the forecast still runs when ARM cannot be read.
  let capacity: Map<string, { skuName: string; capacity: number }> | undefined;
  if (quota && settings.azure) {
    try {
      const regions = await quota.read(settings.azure.accounts);
      capacity = new Map(
        regions.flatMap((r) => r.deployments.map((d) => [d.deployment, { skuName: d.skuName, capacity: d.capacity }] as const)),
      );
    } catch (err) {
      logger.warn("cannot read deployment capacity from ARM; forecasting without the quota line", { error: (err as Error).message });
    }
  }
  await runForecast(settings, { history, sink, log }, now, capacity ? { capacity } : {});
}
