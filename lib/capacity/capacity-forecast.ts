/**
 * CapacityForecast: the capacity-forecast Lambda and its two EventBridge Scheduler schedules:
 * the daily forecast (30/60/90-day projections of requests, tokens and GPUs, their share of
 * quota and budget, days until each line is crossed) and, when Azure is configured, the hourly
 * regional quota headroom read from ARM (the aoai-regional-headroom P3 signal reads it).
 * See docs/dashboards.md, "Forecast" and "Regional headroom".
 */
import { Duration } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../core/config/schema";
import { SETTINGS_ENV_VAR } from "../../core/contracts/capacity-forecast-settings";
import { FleetWatchFunction } from "../constructs/fleetwatch-function";
import { acknowledgeNag } from "../constructs/nag";
import { grantPutMetricData } from "../constructs/put-metric-data";
import { logRetention } from "../constructs/retention";
import { SchedulerInvokeRole } from "../constructs/scheduler-invoke-role";
import { grantReadSecretByName } from "../constructs/secret-by-name";
import { capacitySettings } from "./capacity-settings";

/** Lambda allows 4 KB of environment variables in total; leave room for the standard ones. */
const MAX_SETTINGS_BYTES = 3500;

export interface CapacityForecastProps {
  readonly config: EnvironmentConfig;
  /**
   * When the daily forecast runs (UTC): after midnight, so yesterday is a complete day.
   * @default cron(15 0 * * ? *) — 00:15 UTC daily
   */
  readonly forecastSchedule?: ScheduleExpression;
  /**
   * How often the regional quota headroom is read (only with config.azure).
   * @default rate(1 hour) — the aoai-regional-headroom signal evaluates two 1-hour periods
   */
  readonly headroomSchedule?: ScheduleExpression;
}

export class CapacityForecast extends Construct {
  readonly function: FleetWatchFunction;
  readonly schedules: Schedule[] = [];

  constructor(scope: Construct, id: string, props: CapacityForecastProps) {
    super(scope, id);
    const { config } = props;
    const settingsJson = JSON.stringify(capacitySettings(config));
    if (Buffer.byteLength(settingsJson) > MAX_SETTINGS_BYTES) {
      throw new Error(
        `capacity-forecast settings are ${Buffer.byteLength(settingsJson)} bytes, over the ${MAX_SETTINGS_BYTES} bytes Lambda environment variables allow; shorten cluster or deployment names`,
      );
    }
    this.function = new FleetWatchFunction(this, "Function", {
      lambdaName: "capacity-forecast",
      environmentName: config.name,
      logRetention: logRetention(config.retention.logDays),
      memorySize: 512,
      // GetMetricData for every series, three ARM list calls per region, one fit per series.
      timeout: Duration.minutes(2),
      description: `FleetWatch ${config.name}: daily 30/60/90-day forecast and hourly regional quota headroom`,
      environment: { [SETTINGS_ENV_VAR]: settingsJson },
    });
    grantPutMetricData(this.function);
    // GetMetricData supports no resource-level permissions either (CloudWatch's IAM reference).
    this.function.addToRolePolicy(new PolicyStatement({ actions: ["cloudwatch:GetMetricData"], resources: ["*"] }));

    const role = new SchedulerInvokeRole(this, "ScheduleRole", { target: this.function });
    const invoke = (task: "forecast" | "headroom") =>
      new LambdaInvoke(this.function, {
        role,
        input: ScheduleTargetInput.fromObject({ task }),
        // The next run redoes the work from CloudWatch and ARM: retry briefly, never late.
        retryAttempts: 2,
        maxEventAge: Duration.minutes(30),
      });
    this.schedules.push(
      new Schedule(this, "ForecastSchedule", {
        description: `FleetWatch ${config.name}: daily capacity forecast`,
        schedule: props.forecastSchedule ?? ScheduleExpression.cron({ minute: "15", hour: "0" }),
        timeWindow: TimeWindow.off(),
        target: invoke("forecast"),
      }),
    );
    if (config.azure) {
      grantReadSecretByName(this, "Credentials", config.azure.credentialsSecretName, this.function);
      this.schedules.push(
        new Schedule(this, "HeadroomSchedule", {
          description: `FleetWatch ${config.name}: regional Azure OpenAI quota headroom`,
          schedule: props.headroomSchedule ?? ScheduleExpression.rate(Duration.hours(1)),
          timeWindow: TimeWindow.off(),
          target: invoke("headroom"),
        }),
      );
    }

    acknowledgeNag(
      this,
      "AwsSolutions-IAM5[Resource::*]",
      "cloudwatch:PutMetricData (limited to the FleetWatch namespace by condition) and cloudwatch:GetMetricData support no resource-level permissions.",
    );
  }
}
