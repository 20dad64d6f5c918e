/**
 * azure-alert-intake: Lambda Function URL that receives Azure Monitor action group webhooks and
 * publishes them to the P1/P2/P3 SNS topic. Wiring only; logic in intake.ts and routing.ts.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { LambdaFunctionURLEvent, APIGatewayProxyStructuredResultV2 as LambdaFunctionURLResult } from "aws-lambda";
import { z } from "zod";
import type { Tier } from "../../core/catalog/types";
import { type Environment, readEnvironment } from "../shared/environment";
import { powertoolsLog } from "../shared/log";
import { type EntraSettings, entraVerifier } from "./entra-token";
import { handleIntake, type IntakePorts } from "./intake";
import { originOfTopic, type TierNotification } from "./routing";

export interface IntakeEnvironment {
  /** Shared URL token (fallback); absent when only Entra ID-signed calls are accepted. */
  readonly tokenSecretArn?: string;
  readonly topicArns: Readonly<Record<Tier, string>>;
  /** Secure webhook: verify the Entra ID token of every call. */
  readonly entra?: EntraSettings;
  /** The catalog's Azure telemetry staleness alarm: rules with a CloudWatch twin page only while it is not OK. */
  readonly stalenessAlarmName?: string;
}

const EnvSchema = z.object({
  INTAKE_TOKEN_SECRET_ARN: z.string().min(1).optional(),
  TOPIC_ARN_P1: z.string().startsWith("arn:"),
  TOPIC_ARN_P2: z.string().startsWith("arn:"),
  TOPIC_ARN_P3: z.string().startsWith("arn:"),
  ENTRA_TENANT_ID: z.string().min(1).optional(),
  ENTRA_AUDIENCE: z.string().min(1).optional(),
  ENTRA_AUTHORITY_HOST: z.url().optional(),
  STALENESS_ALARM_NAME: z.string().min(1).optional(),
});

export function environmentFrom(env: Environment): IntakeEnvironment {
  const e = readEnvironment("azure-alert-intake", EnvSchema, env);
  const entra =
    e.ENTRA_TENANT_ID && e.ENTRA_AUDIENCE
      ? {
          tenantId: e.ENTRA_TENANT_ID,
          audience: e.ENTRA_AUDIENCE,
          authorityHost: e.ENTRA_AUTHORITY_HOST ?? "https://login.microsoftonline.com",
        }
      : undefined;
  if (!entra && !e.INTAKE_TOKEN_SECRET_ARN)
    throw new Error("azure-alert-intake: set ENTRA_TENANT_ID + ENTRA_AUDIENCE (secure webhook) or INTAKE_TOKEN_SECRET_ARN (URL token)");
  return {
    tokenSecretArn: e.INTAKE_TOKEN_SECRET_ARN,
    topicArns: { P1: e.TOPIC_ARN_P1, P2: e.TOPIC_ARN_P2, P3: e.TOPIC_ARN_P3 },
    entra,
    stalenessAlarmName: e.STALENESS_ALARM_NAME,
  };
}

/** Builds the handler; tests pass clients pointed at local fakes. */
export function createIntakeHandler(options: {
  env: IntakeEnvironment;
  sns: SNSClient;
  secrets: SecretsProvider;
  logger: Logger;
  cloudWatch?: CloudWatchClient;
}) {
  const { env, sns, secrets, logger, cloudWatch } = options;
  const tokenSecretArn = env.tokenSecretArn;
  const stalenessAlarm = env.stalenessAlarmName;
  const ports: IntakePorts = {
    ...(env.entra ? { verifyBearer: entraVerifier(env.entra) } : {}),
    ...(tokenSecretArn
      ? {
          expectedToken: async () => {
            // Cached for 5 minutes: a rotated token is picked up without a redeploy.
            const token = await secrets.get(tokenSecretArn, { maxAge: 300 });
            if (typeof token !== "string" || token.length === 0) throw new Error("the intake token secret is empty");
            return token;
          },
        }
      : {}),
    ...(stalenessAlarm && cloudWatch
      ? {
          awsSideBlind: async () => {
            const out = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [stalenessAlarm], AlarmTypes: ["MetricAlarm"] }));
            const state = out.MetricAlarms?.[0]?.StateValue;
            // Missing alarm or INSUFFICIENT_DATA: we cannot vouch that CloudWatch sees Azure.
            return state !== "OK";
          },
        }
      : {}),
    publish: async (n: TierNotification) => {
      await sns.send(
        new PublishCommand({
          TopicArn: env.topicArns[n.tier],
          Subject: n.subject,
          Message: n.message,
          MessageAttributes: Object.fromEntries(
            Object.entries(n.attributes).map(([key, value]) => [key, { DataType: "String", StringValue: value }]),
          ),
        }),
      );
    },
    log: powertoolsLog(logger),
    origin: originOfTopic(env.topicArns.P1),
  };
  return (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => handleIntake(event, ports);
}

let cached: ((event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>) | undefined;

export const handler = async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
  cached ??= createIntakeHandler({
    env: environmentFrom(process.env),
    sns: new SNSClient({}),
    secrets: new SecretsProvider(),
    logger: new Logger(),
    cloudWatch: new CloudWatchClient({}),
  });
  return cached(event);
};
