/**
 * CapacityForecast: the capacity-forecast Lambda and its two EventBridge Scheduler schedules:
 * the daily forecast (30/60/90-day projections of requests, tokens and GPUs, their share of
 * quota and budget, days until each line is crossed) and, when Azure is configured, the hourly
 * regional quota headroom read from ARM (the aoai-regional-headroom P3 signal reads it).
 * See docs/dashboards.md, "Forecast" and "Regional headroom".
 */
import { Duration, Stack } from "aws-cdk-lib";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../core/config/schema";
import { SETTINGS_ENV_VAR } from "../../core/contracts/capacity-forecast-settings";
import { METRIC_NAMESPACE } from "../../core/metric-registry";
import { FleetWatchFunction } from "../constructs/fleetwatch-function";
import { acknowledgeNag } from "../constructs/nag";
import { logRetention } from "../constructs/retention";
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
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ["cloudwatch:PutMetricData"],
        // PutMetricData has no resource-level permissions; the namespace condition is the scope.
        resources: ["*"],
        conditions: { StringEquals: { "cloudwatch:namespace": METRIC_NAMESPACE } },
      }),
    );
    // GetMetricData supports no resource-level permissions either (CloudWatch's IAM reference).
    this.function.addToRolePolicy(new PolicyStatement({ actions: ["cloudwatch:GetMetricData"], resources: ["*"] }));

    const role = new Role(this, "ScheduleRole", { assumedBy: new ServicePrincipal("scheduler.amazonaws.com") });
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
      Secret.fromSecretNameV2(this, "Credentials", config.azure.credentialsSecretName).grantRead(this.function);
      this.schedules.push(
        new Schedule(this, "HeadroomSchedule", {
          description: `FleetWatch ${config.name}: regional Azure OpenAI quota headroom`,
          schedule: props.headroomSchedule ?? ScheduleExpression.rate(Duration.hours(1)),
          timeWindow: TimeWindow.off(),
          target: invoke("headroom"),
        }),
      );
      acknowledgeNag(
        this,
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:*]",
        "The service principal secret is granted by name; Secrets Manager appends a random 6-character suffix to every secret ARN, so the grant needs the name-?????? wildcard.",
      );
    }

    const functionLogicalId = Stack.of(this).getLogicalId(this.function.node.defaultChild as CfnFunction);
    acknowledgeNag(
      this,
      `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      "EventBridge Scheduler's Lambda target grants lambda:InvokeFunction on the function and its versions (arn:*); the role is these schedules' own.",
    );
    acknowledgeNag(
      this,
      "AwsSolutions-IAM5[Resource::*]",
      "cloudwatch:PutMetricData (limited to the FleetWatch namespace by condition) and cloudwatch:GetMetricData support no resource-level permissions.",
    );
  }
}
