/**
 * Local stand-ins for the AWS APIs the Azure poller calls and no emulator covers here: CloudWatch
 * PutMetricData (JSON 1.0, X-Amz-Target GraniteServiceVersion20100801.PutMetricData) and Secrets
 * Manager GetSecretValue (JSON 1.1, answered by the shared SecretsManagerFake). They enforce PutMetricData's documented limits (1,000 datums,
 * 30 dimensions, finite values, timestamps two weeks back to two hours ahead, no AWS/ namespace).
 * Used by the Azure poller's tests and by the simulator (which streams accepted datums into its
 * metric store through `onDatum`). DynamoDB is the real emulator (dynalite).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SECRETS_MANAGER_CONTENT_TYPE, SECRETS_MANAGER_TARGET_PREFIX, SecretsManagerFake } from "./secrets-manager-fake";

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
  private server?: Server;
  endpoint = "";

  constructor(private readonly options: AwsFakeOptions = {}) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        this.bodies.push(text);
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

  named(name: string): ReceivedDatum[] {
    return this.datums.filter((d) => d.name === name);
  }
}
