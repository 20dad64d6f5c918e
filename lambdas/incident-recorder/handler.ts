/**
 * incident-recorder: target of the EventBridge rule on FleetWatch alarms' state changes. Each
 * change becomes one `fleetwatch.incident` log line (the engineering dashboard's "last
 * incidents" and the executive MTTR read them) and, on open/resolve, per-tier EMF metrics.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { createMetrics, publishEmf } from "../shared/emf";
import { powertoolsLog } from "../shared/log";
import { parseAlarmStateChange } from "./alarm-event";
import { DynamoDbIncidentStore } from "./incident-store";
import { recordChange } from "./record";
import { readSettings } from "./settings";

const settings = readSettings();
const logger = new Logger();
const store = new DynamoDbIncidentStore(settings.INCIDENT_TABLE);

export async function handler(event: unknown): Promise<void> {
  const change = parseAlarmStateChange(event);
  const metrics = createMetrics();
  await recordChange(
    change,
    {
      store,
      log: powertoolsLog(logger),
      // Exactly the registry's dimension set (Environment, Tier).
      publish: (tier, values) =>
        publishEmf(metrics, { Environment: settings.FLEETWATCH_ENV, Tier: tier }, Object.fromEntries(values.map((v) => [v.key, v.value]))),
    },
    { environment: settings.FLEETWATCH_ENV, flapWindowMs: settings.FLAP_WINDOW_SECONDS * 1000 },
  );
}
