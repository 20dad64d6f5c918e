/**
 * IncidentRecorder: an EventBridge rule on the standard "CloudWatch Alarm State Change" event of
 * this environment's FleetWatch alarms (names FleetWatch/<env>/…) -> the incident-recorder
 * Lambda, which logs every change as a `fleetwatch.incident` line and publishes per-tier incident
 * counts and durations (EMF). Open incidents (and the last OK, for the flap rule) sit in a small
 * DynamoDB table, one item per alarm. See docs/dashboards.md, "Incidents".
 */
import { Duration } from "aws-cdk-lib";
import { Match, Rule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { Construct } from "constructs";
import { alarmNamePrefix } from "../../core/catalog/alarm-names";
import type { EnvironmentConfig } from "../../core/config/schema";
import { INCIDENT_TABLE_KEYS } from "../../core/contracts/table-keys";
import { FleetWatchFunction } from "../constructs/fleetwatch-function";
import { logRetention } from "../constructs/retention";
import { StateTable } from "../constructs/state-table";

export interface IncidentRecorderProps {
  readonly config: EnvironmentConfig;
  /**
   * An ALARM this soon after the same alarm's OK reopens that incident instead of opening a new
   * one (the flap rule).
   * @default Duration.minutes(15)
   */
  readonly flapWindow?: Duration;
}

export class IncidentRecorder extends Construct {
  readonly function: FleetWatchFunction;
  readonly table: StateTable;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, { config, flapWindow = Duration.minutes(15) }: IncidentRecorderProps) {
    super(scope, id);

    // Only open incidents and the flap window live here; the history is in the log group.
    this.table = new StateTable(this, "OpenIncidents", {
      partitionKey: INCIDENT_TABLE_KEYS.partitionKey,
      timeToLiveAttribute: INCIDENT_TABLE_KEYS.ttlAttribute,
    });

    this.function = new FleetWatchFunction(this, "Function", {
      lambdaName: "incident-recorder",
      environmentName: config.name,
      logRetention: logRetention(config.retention.logDays),
      memorySize: 256,
      // One DynamoDB read and write per change, a few retries at most.
      timeout: Duration.seconds(20),
      description: `FleetWatch ${config.name}: records alarm state changes as incidents (MTTR, incidents per tier)`,
      environment: {
        INCIDENT_TABLE: this.table.tableName,
        FLAP_WINDOW_SECONDS: String(flapWindow.toSeconds()),
      },
    });
    this.table.grantReadWriteData(this.function);

    this.rule = new Rule(this, "AlarmStateChanges", {
      description: `FleetWatch ${config.name}: every state change of the environment's alarms -> incident recorder`,
      eventPattern: {
        source: ["aws.cloudwatch"],
        detailType: ["CloudWatch Alarm State Change"],
        detail: { alarmName: Match.prefix(alarmNamePrefix(config.name)) },
      },
      targets: [new LambdaFunction(this.function, { retryAttempts: 8, maxEventAge: Duration.hours(6) })],
    });
  }
}
