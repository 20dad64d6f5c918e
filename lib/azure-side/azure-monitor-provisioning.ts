/**
 * AzureMonitorProvisioning: the Azure side of monitoring, provisioned by the same `cdk deploy`.
 * A CloudFormation custom resource (Custom::AzureMonitorProvisioning) backed by the
 * azure-monitor-provisioner Lambda creates, updates and deletes — in Azure — the diagnostic
 * settings of every Azure OpenAI account, the KQL library as saved searches, the log alert
 * rules and the action group whose webhook is the AzureAlertIntake.
 *
 * The desired state (the "plan") is computed here at synth time and carried as a property; the
 * Azure client secret and the intake token stay in Secrets Manager and are read by the Lambda.
 */
import { CustomResource, Duration, Stack } from "aws-cdk-lib";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { type AzureSidePlan, buildPlan } from "../../core/azure-side/plan";
import { alarmName } from "../../core/catalog/resolve";
import type { EnvironmentConfig } from "../../core/config/schema";
import { CLOUD_ENDPOINTS } from "../../core/contracts/azure-openai-poller-settings";
import { FleetWatchFunction } from "../constructs/fleetwatch-function";
import { logRetention } from "../constructs/retention";
import { AzureAlertIntake, type PagingTopics } from "./azure-alert-intake";

export const MAX_PLAN_BYTES = 100 * 1024;

export interface AzureMonitorProvisioningProps {
  /** Must have `azure` with `provisionAzureSide: true` (see AzureMonitorProvisioning.isEnabled). */
  readonly config: EnvironmentConfig;
  /** Where Azure alerts page: the PagingTiers topics. */
  readonly topics: PagingTopics;
}

export class AzureMonitorProvisioning extends Construct {
  /** True when config asks for the Azure side to be provisioned. */
  static isEnabled(config: EnvironmentConfig): boolean {
    return config.azure?.provisionAzureSide === true;
  }

  readonly intake: AzureAlertIntake;
  readonly provisioner: FleetWatchFunction;
  readonly resource: CustomResource;
  readonly plan: AzureSidePlan;

  constructor(scope: Construct, id: string, { config, topics }: AzureMonitorProvisioningProps) {
    super(scope, id);
    const azure = config.azure;
    if (!azure?.provisionAzureSide) {
      throw new Error("AzureMonitorProvisioning needs azure.provisionAzureSide: true in the environment config");
    }
    this.plan = buildPlan({
      environment: config.name,
      accounts: azure.accounts,
      workspaces: azure.workspaces,
      ...(azure.secureWebhook ? { secureWebhook: { tenantId: azure.tenantId, ...azure.secureWebhook } } : {}),
    });
    // An Update event carries the old and the new plan; keep both well inside Lambda's 256 KiB
    // asynchronous payload limit.
    const planBytes = Buffer.byteLength(JSON.stringify(this.plan));
    if (planBytes > MAX_PLAN_BYTES) {
      throw new Error(
        `azure: the Azure-side plan is ${planBytes} bytes (limit ${MAX_PLAN_BYTES}); reduce azure.workspaces or the KQL library`,
      );
    }
    const retention = logRetention(config.retention.logDays);
    const endpoints = CLOUD_ENDPOINTS[azure.cloud];

    this.intake = new AzureAlertIntake(this, "AlertIntake", {
      environmentName: config.name,
      logRetention: retention,
      topics,
      // Log alerts that duplicate a catalog alarm page only while this alarm says AWS is blind.
      stalenessAlarmName: alarmName(config.name, "azure-telemetry-stale", "warn"),
      ...(azure.secureWebhook
        ? {
            secureWebhook: {
              tenantId: azure.tenantId,
              audience: azure.secureWebhook.identifierUri,
              authorityHost: endpoints.authorityHost,
            },
          }
        : {}),
    });

    const credentials = Secret.fromSecretNameV2(this, "AzureCredentials", azure.credentialsSecretName);
    this.provisioner = new FleetWatchFunction(this, "Provisioner", {
      lambdaName: "azure-monitor-provisioner",
      environmentName: config.name,
      logRetention: retention,
      memorySize: 512,
      // A few dozen ARM calls, each retried on 429; CloudFormation itself waits up to an hour.
      timeout: Duration.minutes(10),
      description: `FleetWatch ${config.name}: provisions Azure diagnostic settings, saved searches, log alerts and the action group`,
      environment: {
        AZURE_CREDENTIALS_SECRET: azure.credentialsSecretName,
        INTAKE_TOKEN_SECRET_ARN: this.intake.tokenSecret.secretArn,
        AZURE_AUTHORITY_HOST: endpoints.authorityHost,
        AZURE_RESOURCE_MANAGER: endpoints.resourceManager,
      },
      // CloudFormation invokes custom resources asynchronously; a retry would answer twice.
      retryAttempts: 0,
    });
    credentials.grantRead(this.provisioner);
    this.intake.tokenSecret.grantRead(this.provisioner);

    this.resource = new CustomResource(this, "Resource", {
      serviceToken: this.provisioner.functionArn,
      resourceType: "Custom::AzureMonitorProvisioning",
      properties: {
        // One JSON string: CloudFormation would turn numbers and booleans into strings otherwise.
        Plan: Stack.of(this).toJsonString(this.plan),
        IntakeUrl: this.intake.functionUrl.url,
      },
    });
  }
}
