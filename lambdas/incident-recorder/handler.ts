/**
 * incident-recorder: target of the EventBridge rule on FleetWatch alarms' state changes. Each
 * change becomes one `fleetwatch.incident` log line (the engineering dashboard's "last
 * incidents" and the executive MTTR read them) and, on open/resolve, per-tier EMF metrics.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, type MetricUnit } from "@aws-lambda-powertools/metrics";
import { METRIC_NAMESPACE, METRICS } from "../../core/metric-registry";
import { parseAlarmStateChange } from "./alarm-event";
import { DynamoDbIncidentStore } from "./incident-store";
import { recordChange } from "./record";
import { readSettings } from "./settings";

const settings = readSettings();
const logger = new Logger();
const store = new DynamoDbIncidentStore(settings.INCIDENT_TABLE);

export async function handler(event: unknown): Promise<void> {
  const change = parseAlarmStateChange(event);
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE });
  // Exactly the registry's dimension set (Environment, Tier): drop Powertools' "service".
  metrics.clearDefaultDimensions();
  await recordChange(
    change,
    {
      store,
      log: (line) => logger.info(String(line.action), line),
      publish: (tier, values) => {
        metrics.addDimensions({ Environment: settings.FLEETWATCH_ENV, Tier: tier });
        for (const v of values) {
          const spec = METRICS[v.key];
          metrics.addMetric(spec.name, spec.unit as (typeof MetricUnit)[keyof typeof MetricUnit], v.value);
        }
        metrics.publishStoredMetrics();
      },
    },
    { environment: settings.FLEETWATCH_ENV, flapWindowMs: settings.FLAP_WINDOW_SECONDS * 1000 },
  );
}
