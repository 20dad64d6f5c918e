import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsFake } from "../../dev-support/aws-fake";
import { LOCAL_AWS } from "../../dev-support/local-aws";
import { createIntakeHandler } from "../../lambdas/azure-alert-intake/handler";
import { functionUrlEvent, intakeFixture, pagingTopicArns } from "./support/intake-requests";
import { recordingLogger } from "./support/recording-logger";

const TOKEN = "intake-token-0123456789abcdefghijklmnopqrstuv";
const TOKEN_ARN = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:fleetwatch/dev/azure-alert-intake-AbCdEf";
const TOPICS = pagingTopicArns("dev");
const fixture = intakeFixture;

const urlEvent = (body: string, query: Record<string, string> | undefined, method = "POST") =>
  functionUrlEvent(body, { ...(query ? { query } : {}), method });

let aws: AwsFake;
let handle: ReturnType<typeof createIntakeHandler>;
const logged: string[] = [];

beforeAll(async () => {
  aws = await new AwsFake({ topics: Object.values(TOPICS), secrets: { [TOKEN_ARN]: TOKEN } }).start();
  const logger = recordingLogger("azure-alert-intake-test", logged);
  handle = createIntakeHandler({
    env: { tokenSecretArn: TOKEN_ARN, topicArns: TOPICS },
    sns: new SNSClient({ ...LOCAL_AWS, endpoint: aws.endpoint }),
    secrets: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ ...LOCAL_AWS, endpoint: aws.endpoint }) }),
    logger,
  });
});
afterAll(() => aws.stop());

describe("azure-alert-intake handler (real SNS and Secrets Manager clients against local fakes)", () => {
  it("publishes a fired P2 log alert to the P2 topic as a CloudWatch-alarm-shaped message", async () => {
    const before = aws.published.length;
    const res = await handle(urlEvent(fixture("log-alert-v2-fired.json"), { token: TOKEN }));
    expect(res.statusCode).toBe(202);
    const sent = aws.published.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.topicArn).toBe(TOPICS.P2);
    const message = JSON.parse(sent[0]?.message ?? "{}");
    expect(message.NewStateValue).toBe("ALARM");
    expect(message.Azure.dimensions).toBe("deployment=gpt-4o");
    expect(sent[0]?.attributes).toMatchObject({ tier: "P2", source: "azure-monitor", state: "ALARM" });
  });

  it("sends the Resolved transition to the same topic as OK", async () => {
    const before = aws.published.length;
    expect((await handle(urlEvent(fixture("log-alert-v2-resolved.json"), { token: TOKEN }))).statusCode).toBe(202);
    const sent = aws.published.slice(before);
    expect(sent[0]?.topicArn).toBe(TOPICS.P2);
    expect(JSON.parse(sent[0]?.message ?? "{}").NewStateValue).toBe("OK");
  });

  it("pages P1 for a Sev0 metric alert", async () => {
    const before = aws.published.length;
    expect((await handle(urlEvent(fixture("metric-alert-sev0-no-custom-properties.json"), { token: TOKEN }))).statusCode).toBe(202);
    expect(aws.published.slice(before)[0]?.topicArn).toBe(TOPICS.P1);
  });

  it("rejects a missing or wrong token with 401, publishes nothing and logs no token", async () => {
    const before = aws.published.length;
    const wrong = "intake-token-0123456789abcdefghijklmnopqrstuX";
    expect((await handle(urlEvent(fixture("log-alert-v2-fired.json"), { token: wrong }))).statusCode).toBe(401);
    expect((await handle(urlEvent(fixture("log-alert-v2-fired.json"), undefined))).statusCode).toBe(401);
    expect(aws.published.length).toBe(before);
    expect(logged.join("\n")).not.toContain(wrong);
    expect(logged.join("\n")).not.toContain(TOKEN);
  });

  it("answers 405 to GET, 400 to non-JSON and to non-common-schema payloads", async () => {
    expect((await handle(urlEvent("", { token: TOKEN }, "GET"))).statusCode).toBe(405);
    expect((await handle(urlEvent("not json", { token: TOKEN }))).statusCode).toBe(400);
    const res = await handle(urlEvent(JSON.stringify({ schemaId: "Microsoft.Insights/activityLogs", data: {} }), { token: TOKEN }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/useCommonAlertSchema/);
  });

  it("answers 503 (so Azure retries) when SNS fails", async () => {
    aws.failNextPublishes(10);
    const res = await handle(urlEvent(fixture("activity-log-sev4.json"), { token: TOKEN }));
    aws.failNextPublishes(0);
    expect(res.statusCode).toBe(503);
  });

  it("answers 503 (so Azure retries) when the token secret cannot be read", async () => {
    const broken = createIntakeHandler({
      env: { tokenSecretArn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:missing-XyZ123", topicArns: TOPICS },
      sns: new SNSClient({ ...LOCAL_AWS, endpoint: aws.endpoint }),
      secrets: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ ...LOCAL_AWS, endpoint: aws.endpoint }) }),
      logger: recordingLogger("azure-alert-intake-test", []),
    });
    expect((await broken(urlEvent(fixture("log-alert-v2-fired.json"), { token: TOKEN }))).statusCode).toBe(503);
  });
});
