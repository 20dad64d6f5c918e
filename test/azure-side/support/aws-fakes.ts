/**
 * Local fakes of the two AWS APIs the Azure-side Lambdas call, speaking their documented wire
 * protocols so the real SDK v3 clients can be pointed at them:
 * - SNS Publish (AWS Query protocol: form-encoded POST, XML reply), enforcing SNS's documented
 *   limits (unknown topic -> NotFound, Subject <= 100 chars without line breaks, Message <= 256 KiB);
 * - Secrets Manager GetSecretValue (JSON 1.1, X-Amz-Target secretsmanager.GetSecretValue);
 * - CloudWatch DescribeAlarms (JSON 1.0, X-Amz-Target GraniteServiceVersion20100801.DescribeAlarms):
 *   the alarms set in `alarmStates`; an unknown name is simply absent from MetricAlarms;
 * - the pre-signed S3 URL CloudFormation hands a custom resource (PUT of the JSON response).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getSecretValueAnswer, SECRETS_MANAGER_CONTENT_TYPE } from "../../../dev-support/secrets-manager-answer";

export interface PublishedMessage {
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly attributes: Record<string, string>;
}

export interface AwsFake {
  readonly endpoint: string;
  /** Bodies PUT to `${endpoint}/cfn-response/...` (stands in for CloudFormation's pre-signed S3 URL). */
  readonly cfnResponses: { path: string; contentType: string | undefined; body: Record<string, unknown> }[];
  readonly published: PublishedMessage[];
  /** Make the next n Publish calls fail with 500 InternalError. */
  failNextPublishes(n: number): void;
  /** CloudWatch alarm name -> state, answered by DescribeAlarms. */
  readonly alarmStates: Map<string, "OK" | "ALARM" | "INSUFFICIENT_DATA">;
  /** DescribeAlarms calls received. */
  readonly describeAlarmsCalls: string[][];
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function snsError(res: ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { "content-type": "text/xml" });
  res.end(
    `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

export async function startAwsFake(options: { topics: string[]; secrets: Record<string, string> }): Promise<AwsFake> {
  const secrets = new Map(Object.entries(options.secrets));
  const published: PublishedMessage[] = [];
  const cfnResponses: AwsFake["cfnResponses"] = [];
  let failures = 0;
  const alarmStates = new Map<string, "OK" | "ALARM" | "INSUFFICIENT_DATA">();
  const describeAlarmsCalls: string[][] = [];
  const server: Server = createServer(async (req, res) => {
    const text = await body(req);
    if (req.method === "PUT" && req.url?.startsWith("/cfn-response/")) {
      cfnResponses.push({ path: req.url, contentType: req.headers["content-type"], body: JSON.parse(text) });
      res.writeHead(200);
      res.end();
      return;
    }
    const target = req.headers["x-amz-target"];
    if (target === "GraniteServiceVersion20100801.DescribeAlarms") {
      const { AlarmNames = [] } = JSON.parse(text) as { AlarmNames?: string[] };
      describeAlarmsCalls.push(AlarmNames);
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
      res.end(
        JSON.stringify({
          MetricAlarms: AlarmNames.filter((n) => alarmStates.has(n)).map((n) => ({ AlarmName: n, StateValue: alarmStates.get(n) })),
          CompositeAlarms: [],
        }),
      );
      return;
    }
    if (target === "secretsmanager.GetSecretValue") {
      const { SecretId } = JSON.parse(text) as { SecretId: string };
      const answer = getSecretValueAnswer(secrets, SecretId);
      res.writeHead(answer.status, { "content-type": SECRETS_MANAGER_CONTENT_TYPE });
      res.end(JSON.stringify(answer.body));
      return;
    }
    const form = new URLSearchParams(text);
    if (form.get("Action") !== "Publish") return snsError(res, 400, "InvalidAction", `unsupported action ${form.get("Action")}`);
    const topicArn = form.get("TopicArn") ?? "";
    const subject = form.get("Subject") ?? undefined;
    const message = form.get("Message") ?? "";
    if (!options.topics.includes(topicArn)) return snsError(res, 404, "NotFound", "Topic does not exist");
    if (subject !== undefined && (subject.length > 100 || /[\r\n]/.test(subject)))
      return snsError(res, 400, "InvalidParameter", "Invalid parameter: Subject");
    if (Buffer.byteLength(message) > 256 * 1024) return snsError(res, 400, "InvalidParameter", "Invalid parameter: Message too long");
    if (failures > 0) {
      failures--;
      return snsError(res, 500, "InternalError", "simulated");
    }
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
      attributes[form.get(`MessageAttributes.entry.${i}.Name`) ?? ""] = form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? "";
    }
    published.push({ topicArn, subject, message, attributes });
    res.writeHead(200, { "content-type": "text/xml" });
    res.end(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    published,
    cfnResponses,
    failNextPublishes: (n) => {
      failures = n;
    },
    alarmStates,
    describeAlarmsCalls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Credentials and region for SDK clients pointed at the fake (never real ones). */
export const FAKE_AWS = { region: "eu-west-1", credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake-secret" } } as const;
