/**
 * AzureOpenAiPoller: the azure-openai-poller Lambda, invoked every minute by EventBridge
 * Scheduler, reading Azure Monitor metrics, Log Analytics and ARM deployment quotas with a
 * service principal from Secrets Manager, and publishing per-deployment CloudWatch metrics
 * (namespace FleetWatch) with PutMetricData. A small encrypted DynamoDB table remembers which
 * (deployment, metric, minute) were published, so late data is published once, across cold starts.
 */

import { Duration } from "aws-cdk-lib";
import { AttributeType } from "aws-cdk-lib/aws-dynamodb";
import { Schedule, ScheduleExpression, TimeWindow } from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import { Construct } from "constructs";
import type { AzureConfig, DeploymentConfig, EnvironmentConfig } from "../../core/config/schema";
import { type PollerSettings, SETTINGS_ENV_VAR } from "../../core/contracts/azure-openai-poller-settings";
import { WATERMARK_TABLE_KEYS } from "../../core/contracts/table-keys";
import { FleetWatchFunction } from "../constructs/fleetwatch-function";
import { SCHEDULED_POLLER_ASYNC } from "../constructs/invoke-limits";
import { acknowledgeNag } from "../constructs/nag";
import { grantPutMetricData } from "../constructs/put-metric-data";
import { logRetention } from "../constructs/retention";
import { SchedulerInvokeRole } from "../constructs/scheduler-invoke-role";
import { grantReadSecretByName } from "../constructs/secret-by-name";
import { StateTable } from "../constructs/state-table";
import { pollerSettings } from "./poller-settings";

/** Lambda allows 4 KB of environment variables in total; leave room for the standard ones. */
const MAX_SETTINGS_BYTES = 3500;

export interface AzureOpenAiPollerProps {
  readonly config: EnvironmentConfig;
  /** @default 512 MB: three SDK clients and JSON parsing; network-bound. */
  readonly memorySize?: number;
  /**
   * Minutes re-read every poll for late data.
   * @default 30
   */
  readonly lookbackMinutes?: number;
  /** @default 3 (platform metrics normally arrive within 3 minutes) */
  readonly metricsSettleMinutes?: number;
  /** @default 10 (Log Analytics ingestion takes 3-10 minutes) */
  readonly logsSettleMinutes?: number;
}

/** A configured deployment with its account, as the alarms need it (SLO, budget, dimensions). */
export interface PolledDeployment extends DeploymentConfig {
  readonly accountResourceId: string;
}

export class AzureOpenAiPoller extends Construct {
  readonly function: FleetWatchFunction;
  readonly table: StateTable;
  readonly schedule: Schedule;
  /** Every polled deployment: metrics carry dimensions { Environment, Deployment: name }. */
  readonly deployments: readonly PolledDeployment[];

  constructor(scope: Construct, id: string, props: AzureOpenAiPollerProps) {
    super(scope, id);
    const { config } = props;
    const azure = config.azure;
    if (!azure) throw new Error("AzureOpenAiPoller needs config.azure; the stack only creates it when that section is present");
    this.deployments = validateAzure(azure);

    // Derived state: losing it only risks re-publishing one lookback window.
    this.table = new StateTable(this, "Watermark", {
      partitionKey: WATERMARK_TABLE_KEYS.partitionKey,
      sortKey: { name: WATERMARK_TABLE_KEYS.sortKey, type: AttributeType.NUMBER },
      timeToLiveAttribute: WATERMARK_TABLE_KEYS.ttlAttribute,
    });

    const settings: PollerSettings = pollerSettings(config.name, azure, {
      watermarkTable: "", // set below once the token exists
      lookbackMinutes: props.lookbackMinutes,
      metricsSettleMinutes: props.metricsSettleMinutes,
      logsSettleMinutes: props.logsSettleMinutes,
    });
    const settingsJson = JSON.stringify({ ...settings, watermarkTable: "TABLE" });
    if (Buffer.byteLength(settingsJson) > MAX_SETTINGS_BYTES) {
      throw new Error(
        `azure: the poller settings are ${Buffer.byteLength(settingsJson)} bytes, over the ${MAX_SETTINGS_BYTES} bytes Lambda environment variables allow; ` +
          "split the accounts over environments or shorten deployment/team names",
      );
    }

    this.function = new FleetWatchFunction(this, "Function", {
      lambdaName: "azure-openai-poller",
      environmentName: config.name,
      logRetention: logRetention(config.retention.logDays),
      memorySize: props.memorySize ?? 512,
      // Normally a few seconds; the ceiling covers retries (Retry-After is capped at 20 s per call).
      // An overlap with the next minute's invocation is safe: publishing is claimed per minute.
      timeout: Duration.seconds(90),
      description: `FleetWatch ${config.name}: polls Azure OpenAI metrics, logs and quotas`,
      environment: { [SETTINGS_ENV_VAR]: JSON.stringify({ ...settings, watermarkTable: this.table.tableName }) },
      // Scheduled: a failed poll is superseded by the next one, never retried by Lambda on top of it.
      ...SCHEDULED_POLLER_ASYNC,
    });
    this.table.grantReadWriteData(this.function);
    grantReadSecretByName(this, "Credentials", azure.credentialsSecretName, this.function);
    grantPutMetricData(this.function);

    this.schedule = new Schedule(this, "Schedule", {
      description: `FleetWatch ${config.name}: Azure OpenAI poll`,
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(this.function, {
        // Own role, inside this construct: least privilege reviewed (and acknowledged) here.
        role: new SchedulerInvokeRole(this, "ScheduleRole", { target: this.function }),
        // A missed minute is re-read by the next poll (trailing window): no point retrying late.
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    });

    acknowledgeNag(
      this,
      "AwsSolutions-IAM5[Resource::*]",
      "cloudwatch:PutMetricData supports no resource-level permissions; the statement is limited to the FleetWatch namespace by the cloudwatch:namespace condition.",
    );
  }
}

/** Checks the config cannot express but the poller relies on; messages name the field and the fix. */
export function validateAzure(azure: AzureConfig): PolledDeployment[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const out: PolledDeployment[] = [];
  azure.accounts.forEach((a, i) => {
    a.deployments.forEach((d, j) => {
      const field = `azure.accounts[${i}].deployments[${j}]`;
      const other = seen.get(d.name);
      if (other)
        problems.push(
          `${field}.name: "${d.name}" is also ${other}; deployment names are the CloudWatch dimension and must be unique per environment`,
        );
      seen.set(d.name, field);
      if (!azure.prices[d.model])
        problems.push(
          `${field}.model: no price for "${d.model}" in azure.prices (has: ${Object.keys(azure.prices).join(", ") || "none"}); add one so cost can be estimated`,
        );
      out.push({ ...d, accountResourceId: a.resourceId });
    });
  });
  if (problems.length > 0) throw new Error(`Invalid azure configuration:\n  - ${problems.join("\n  - ")}`);
  return out;
}
