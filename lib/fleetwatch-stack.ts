/**
 * FleetWatchStack: everything one environment needs, in one stack named FleetWatch-<env>.
 * Each capability is a construct in its own folder under lib/; this file only wires them.
 */
import { Stack, type StackProps, Tags } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { alarmName } from "../core/catalog/resolve";
import type { EnvironmentConfig } from "../core/config/schema";
import { BurnRateAlarms } from "./alarms/burn-rate-alarms";
import { SignalAlarms } from "./alarms/signal-alarms";
import { AzureOpenAiPoller } from "./azure-openai/azure-openai-poller";
import { AzureMonitorProvisioning } from "./azure-side/azure-monitor-provisioning";
import { CapacityForecast } from "./capacity/capacity-forecast";
import { alarmsByTier, FleetWatchDashboards } from "./dashboards/fleetwatch-dashboards";
import { IncidentRecorder } from "./incidents/incident-recorder";
import { PagingTiers } from "./paging/paging-tiers";
import { RedfishPoller } from "./redfish/redfish-poller";
import { TelemetryPipeline } from "./telemetry/telemetry-pipeline";

export interface FleetWatchStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

export function stackName(environmentName: string): string {
  return `FleetWatch-${environmentName}`;
}

export class FleetWatchStack extends Stack {
  readonly config: EnvironmentConfig;
  readonly telemetry: TelemetryPipeline;
  readonly redfishPoller: RedfishPoller;
  /** Present when config.azure is set. */
  readonly azureOpenAiPoller?: AzureOpenAiPoller;
  readonly paging: PagingTiers;
  readonly signalAlarms: SignalAlarms;
  /** SLO burn-rate alarms (config.slos): window pairs and the composites that page. */
  readonly burnRateAlarms: BurnRateAlarms;
  /** Present when config.azure.provisionAzureSide is true. */
  readonly azureMonitor?: AzureMonitorProvisioning;
  readonly dashboards: FleetWatchDashboards;
  /** Alarm state changes -> incidents (MTTR, incidents per tier). */
  readonly incidents: IncidentRecorder;
  /** Daily 30/60/90-day forecast and hourly regional quota headroom. */
  readonly capacityForecast: CapacityForecast;

  constructor(scope: Construct, id: string, props: FleetWatchStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    Tags.of(this).add("fleetwatch:environment", config.name);
    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);

    // Telemetry pipeline: Kinesis -> telemetry-ingest -> Timestream + fleet aggregates (before the
    // poller, which writes to its stream).
    this.telemetry = new TelemetryPipeline(this, "Telemetry", { config });

    // Out-of-band GPU telemetry: Redfish BMCs -> Kinesis.
    this.redfishPoller = new RedfishPoller(this, "RedfishPoller", { config, stream: this.telemetry.stream });

    // Azure OpenAI: metrics, logs and quotas -> per-deployment CloudWatch metrics (only with config.azure).
    if (config.azure) this.azureOpenAiPoller = new AzureOpenAiPoller(this, "AzureOpenAiPoller", { config });

    // Alarms from the signal catalog, paging P1/P2/P3 (after every construct they watch).
    // The P1 enricher reads the snapshot stream to name the offending node and GPU in the page.
    this.paging = new PagingTiers(this, "Paging", { config, telemetryStream: this.telemetry.stream });
    this.signalAlarms = new SignalAlarms(this, "Alarms", {
      config,
      paging: this.paging,
      redfishPollerFunction: this.redfishPoller.function,
      ingestFunction: this.telemetry.ingestFunction,
      deadLetterQueue: this.telemetry.deadLetterQueue,
      azurePollerFunction: this.azureOpenAiPoller?.function,
    });
    this.burnRateAlarms = new BurnRateAlarms(this, "SloAlarms", {
      config,
      paging: this.paging,
      suppressors: { "bmc-network-outage": this.signalAlarms.alarmRefs.get(alarmName(config.name, "bmc-network-outage", "critical")) },
    });

    // Azure side (diagnostic settings, saved KQL, log alerts, action group -> alert intake ->
    // these paging tiers), provisioned by a custom resource when azure.provisionAzureSide is set.
    if (AzureMonitorProvisioning.isEnabled(config)) {
      this.azureMonitor = new AzureMonitorProvisioning(this, "AzureMonitor", { config, topics: this.paging });
    }

    // Incident history from the alarms' own state changes, and the capacity forecast/headroom.
    this.incidents = new IncidentRecorder(this, "Incidents", { config });
    this.capacityForecast = new CapacityForecast(this, "CapacityForecast", { config });

    // Dashboards (executive / engineering / capacity) and the on-call's saved queries: last, so
    // they can read every other construct's log groups and alarms.
    this.dashboards = new FleetWatchDashboards(this, "Dashboards", {
      config,
      logGroups: {
        "redfish-poller": this.redfishPoller.function.logGroupRef,
        "telemetry-ingest": this.telemetry.ingestFunction.logGroupRef,
        "azure-openai-poller": this.azureOpenAiPoller?.function.logGroupRef,
        "p1-enricher": this.paging.p1Enricher.logGroupRef,
        "incident-recorder": this.incidents.function.logGroupRef,
        "capacity-forecast": this.capacityForecast.function.logGroupRef,
      },
      // References by ARN: alarms in nested stacks (fleet scale) need no cross-stack outputs.
      alarmsByTier: withBurnRateComposites(
        alarmsByTier({ specs: this.signalAlarms.specs, alarms: this.signalAlarms.alarmRefs }),
        this.burnRateAlarms,
      ),
    });
  }
}

/** The SLO composites that page, added to the alarm widgets of their tier. */
function withBurnRateComposites(byTier: ReturnType<typeof alarmsByTier>, burnRate: BurnRateAlarms): ReturnType<typeof alarmsByTier> {
  const out = { ...byTier };
  for (const c of burnRate.composites) {
    const alarm = burnRate.compositeRefs.get(c.name);
    if (alarm) out[c.tier] = [...(out[c.tier] ?? []), alarm];
  }
  return out;
}
