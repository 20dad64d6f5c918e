/**
 * Local stand-ins for the AWS APIs FleetWatch's Lambdas call and no emulator covers here,
 * speaking their wire protocols so the real SDK v3 clients can be pointed at them:
 * - CloudWatch PutMetricData (JSON 1.0, X-Amz-Target GraniteServiceVersion20100801.PutMetricData),
 *   enforcing its documented limits (1,000 datums, 30 dimensions, finite values, timestamps two
 *   weeks back to two hours ahead, no AWS/ namespace):
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
 * - CloudWatch DescribeAlarms (JSON 1.0): the alarms set in `alarmStates`; an unknown name is
 *   simply absent from MetricAlarms:
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 * - Secrets Manager GetSecretValue (JSON 1.1): the shared SecretsManagerFake (secrets-manager-fake.ts);
 * - SNS Publish (Query protocol: form-encoded POST, XML reply): unknown topic -> NotFound,
 *   Subject <= 100 characters without line breaks, Message <= 256 KiB:
 *   https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 * - the pre-signed S3 URL CloudFormation hands a custom resource (PUT of the JSON response).
 * Used by the Azure poller's and the Azure side's tests and by the simulator (which streams
 * accepted datums into its metric store through `onDatum`). DynamoDB is the real emulator (dynalite).
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SECRETS_MANAGER_CONTENT_TYPE, SECRETS_MANAGER_TARGET_PREFIX, SecretsManagerFake } from "./secrets-manager-fake";

export interface PublishedMessage {
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly attributes: Record<string, string>;
}

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export interface ReceivedDatum {
  readonly namespace: string;
  readonly name: string;
  readonly unit?: string;
  readonly dimensions: Record<string, string>;
  /** epoch ms */
  readonly timestamp: number;
  readonly value: number;
}

export interface AwsFakeOptions {
  /** Called for every accepted datum, with the (possibly simulated) time it arrived. */
  readonly onDatum?: (datum: ReceivedDatum, receivedAt: number) => void;
  /** SNS topics that exist (Publish to another is NotFound). @default none */
  readonly topics?: readonly string[];
  /** Secrets Manager secrets that exist, by id. @default none */
  readonly secrets?: Readonly<Record<string, string>>;
}

export class AwsFake {
  readonly datums: ReceivedDatum[] = [];
  /** PutMetricData calls refused with a 400 (limits). */
  rejected = 0;
  /** Secrets Manager: the shared fake (secrets-manager-fake.ts); `secrets` is its name -> value map. */
  readonly secretsManager = new SecretsManagerFake();
  readonly secrets = this.secretsManager.secrets;
  /** Bodies of every request, to prove no secret went anywhere it should not. */
  readonly bodies: string[] = [];
  putMetricDataFailures = 0;
  /** Messages SNS accepted. */
  readonly published: PublishedMessage[] = [];
  /** Publish calls still to fail with 500 InternalError (failNextPublishes). */
  private publishFailures = 0;
  /** Bodies PUT to `${endpoint}/cfn-response/...` (stands in for CloudFormation's pre-signed S3 URL). */
  readonly cfnResponses: { path: string; contentType: string | undefined; body: Record<string, unknown> }[] = [];
  /** CloudWatch alarm name -> state, answered by DescribeAlarms. */
  readonly alarmStates = new Map<string, AlarmState>();
  /** The AlarmNames of every DescribeAlarms call. */
  readonly describeAlarmsCalls: string[][] = [];
  private server?: Server;
  endpoint = "";

  constructor(private readonly options: AwsFakeOptions = {}) {
    for (const [id, value] of Object.entries(options.secrets ?? {})) this.secrets.set(this.secretsManager.nameOf(id), value);
  }

  /** The next n SNS Publish calls fail with 500 InternalError. */
  failNextPublishes(n: number): void {
    this.publishFailures = n;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        this.bodies.push(text);
        if (req.method === "PUT" && req.url?.startsWith("/cfn-response/")) {
          this.cfnResponses.push({ path: req.url, contentType: req.headers["content-type"], body: JSON.parse(text) });
          res.writeHead(200);
          res.end();
          return;
        }
        const target = String(req.headers["x-amz-target"] ?? "");
        const send = (status: number, body: unknown, type = "application/x-amz-json-1.0") => {
          res.writeHead(status, { "content-type": type, "x-amzn-requestid": "fake" });
          res.end(JSON.stringify(body));
        };
        if (target === "GraniteServiceVersion20100801.PutMetricData") {
          if (this.putMetricDataFailures > 0) {
            this.putMetricDataFailures--;
            return send(500, { __type: "InternalServiceError", message: "injected" });
          }
          const body = JSON.parse(text) as {
            Namespace: string;
            MetricData: {
              MetricName: string;
              Unit?: string;
              Timestamp?: number;
              Value: number;
              Dimensions?: { Name: string; Value: string }[];
            }[];
          };
          const invalid = (message: string) => {
            this.rejected++;
            return send(400, { __type: "InvalidParameterValue", message });
          };
          if (!body.Namespace || body.Namespace.startsWith("AWS/")) return invalid("The value for parameter Namespace is invalid");
          if (!body.MetricData?.length || body.MetricData.length > 1000)
            return invalid("The collection MetricData must not have a size greater than 1000.");
          const now = Date.now();
          // Without a Timestamp, CloudWatch uses the time it received the datum.
          const timestampOf = (d: { Timestamp?: number }) => (d.Timestamp === undefined ? now : d.Timestamp * 1000);
          for (const d of body.MetricData) {
            const ts = timestampOf(d);
            if (ts < now - 14 * 86_400_000 || ts > now + 2 * 3_600_000)
              return invalid(
                "The parameter MetricData.member.Timestamp must specify a time no more than two weeks in the past and two hours in the future.",
              );
            if (typeof d.Value !== "number" || !Number.isFinite(d.Value))
              return invalid("The value for parameter MetricData.member.Value is invalid.");
            if ((d.Dimensions?.length ?? 0) > 30) return invalid("The collection Dimensions must not have a size greater than 30.");
          }
          for (const d of body.MetricData) {
            const datum: ReceivedDatum = {
              namespace: body.Namespace,
              name: d.MetricName,
              unit: d.Unit,
              dimensions: Object.fromEntries((d.Dimensions ?? []).map((x) => [x.Name, x.Value])),
              timestamp: timestampOf(d),
              value: d.Value,
            };
            this.datums.push(datum);
            this.options.onDatum?.(datum, now);
          }
          return send(200, {});
        }
        if (target === "GraniteServiceVersion20100801.DescribeAlarms") {
          const { AlarmNames = [] } = JSON.parse(text) as { AlarmNames?: string[] };
          this.describeAlarmsCalls.push(AlarmNames);
          const MetricAlarms = AlarmNames.filter((n) => this.alarmStates.has(n)).map((n) => ({
            AlarmName: n,
            StateValue: this.alarmStates.get(n),
          }));
          return send(200, { MetricAlarms, CompositeAlarms: [] });
        }
        if (!target && (req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded"))
          return this.snsPublish(new URLSearchParams(text), res);
        const [service, operation = ""] = target.split(".");
        if (service === SECRETS_MANAGER_TARGET_PREFIX) {
          const answer = this.secretsManager.answer(operation, JSON.parse(text || "{}"));
          if (answer.errorType) res.setHeader("x-amzn-errortype", answer.errorType);
          return send(answer.status, answer.body, SECRETS_MANAGER_CONTENT_TYPE);
        }
        send(400, { __type: "UnknownOperationException", message: `unsupported ${target}` });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Answers an SNS Publish (every path ends in exactly one reply). */
  private snsPublish(form: URLSearchParams, res: ServerResponse): true {
    const reply = (status: number, xml: string): true => {
      res.writeHead(status, { "content-type": "text/xml" });
      res.end(xml);
      return true;
    };
    const error = (status: number, code: string, message: string) =>
      reply(
        status,
        `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      );
    if (form.get("Action") !== "Publish") return error(400, "InvalidAction", `unsupported action ${form.get("Action")}`);
    const topicArn = form.get("TopicArn") ?? "";
    const subject = form.get("Subject") ?? undefined;
    const message = form.get("Message") ?? "";
    if (!(this.options.topics ?? []).includes(topicArn)) return error(404, "NotFound", "Topic does not exist");
    if (subject !== undefined && (subject.length > 100 || /[\r\n]/.test(subject)))
      return error(400, "InvalidParameter", "Invalid parameter: Subject");
    if (Buffer.byteLength(message) > 256 * 1024) return error(400, "InvalidParameter", "Invalid parameter: Message too long");
    if (this.publishFailures > 0) {
      this.publishFailures--;
      return error(500, "InternalError", "simulated");
    }
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++)
      attributes[form.get(`MessageAttributes.entry.${i}.Name`) ?? ""] = form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? "";
    this.published.push({ topicArn, ...(subject !== undefined ? { subject } : {}), message, attributes });
    return reply(
      200,
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }

  named(name: string): ReceivedDatum[] {
    return this.datums.filter((d) => d.name === name);
  }
}
