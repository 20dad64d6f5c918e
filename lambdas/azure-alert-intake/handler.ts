/**
 * azure-alert-intake: Lambda Function URL that receives Azure Monitor action group webhooks and
 * publishes them to the P1/P2/P3 SNS topic. Wiring only; logic in intake.ts and routing.ts.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { LambdaFunctionURLEvent, APIGatewayProxyStructuredResultV2 as LambdaFunctionURLResult } from "aws-lambda";
import { handleIntake, type IntakePorts } from "./intake";
import { originOfTopic, type Tier, type TierNotification } from "./routing";

export interface IntakeEnvironment {
  readonly tokenSecretArn: string;
  readonly topicArns: Readonly<Record<Tier, string>>;
}

function environmentFrom(env: NodeJS.ProcessEnv): IntakeEnvironment {
  const need = (key: string): string => {
    const value = env[key];
    if (!value) throw new Error(`environment variable ${key} is not set`);
    return value;
  };
  return {
    tokenSecretArn: need("INTAKE_TOKEN_SECRET_ARN"),
    topicArns: { P1: need("TOPIC_ARN_P1"), P2: need("TOPIC_ARN_P2"), P3: need("TOPIC_ARN_P3") },
  };
}

/** Builds the handler; tests pass clients pointed at local fakes. */
export function createIntakeHandler(options: { env: IntakeEnvironment; sns: SNSClient; secrets: SecretsProvider; logger: Logger }) {
  const { env, sns, secrets, logger } = options;
  const ports: IntakePorts = {
    expectedToken: async () => {
      // Cached for 5 minutes: a rotated token is picked up without a redeploy.
      const token = await secrets.get(env.tokenSecretArn, { maxAge: 300 });
      if (typeof token !== "string" || token.length === 0) throw new Error("the intake token secret is empty");
      return token;
    },
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
    log: (level, message, fields) => logger[level](message, fields ?? {}),
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
  });
  return cached(event);
};
