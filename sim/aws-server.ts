/**
 * Local stand-in for the two AWS APIs the Azure poller calls that have no emulator here:
 * CloudWatch PutMetricData (JSON 1.0, X-Amz-Target GraniteServiceVersion20100801.PutMetricData)
 * and Secrets Manager GetSecretValue (JSON 1.1). PutMetricData's documented limits are enforced
 * (1,000 datums, 30 dimensions, finite values, timestamps within two weeks back / two hours
 * ahead); accepted datums go to the simulation's metric store with their arrival time.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { MetricStore } from "./metric-store";

export interface AwsServer {
  readonly endpoint: string;
  readonly secrets: Map<string, string>;
  rejected: number;
  close(): Promise<void>;
}

export async function startAwsServer(store: MetricStore): Promise<AwsServer> {
  const secrets = new Map<string, string>();
  const state = { rejected: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const target = String(req.headers["x-amz-target"] ?? "");
      const send = (status: number, body: unknown, type = "application/x-amz-json-1.0") => {
        res.writeHead(status, { "content-type": type, "x-amzn-requestid": "sim" });
        res.end(JSON.stringify(body));
      };
      if (target === "GraniteServiceVersion20100801.PutMetricData") {
        const body = JSON.parse(text) as {
          Namespace?: string;
          MetricData?: { MetricName: string; Timestamp?: number; Value?: number; Dimensions?: { Name: string; Value: string }[] }[];
        };
        const invalid = (message: string) => {
          state.rejected++;
          return send(400, { __type: "InvalidParameterValue", message });
        };
        if (!body.Namespace || body.Namespace.startsWith("AWS/")) return invalid("The value for parameter Namespace is invalid");
        if (!body.MetricData?.length || body.MetricData.length > 1000)
          return invalid("The collection MetricData must not have a size greater than 1000.");
        const now = Date.now();
        for (const d of body.MetricData) {
          const ts = (d.Timestamp ?? now / 1000) * 1000;
          if (ts < now - 14 * 86_400_000 || ts > now + 2 * 3_600_000)
            return invalid(
              "The parameter MetricData.member.Timestamp must specify a time no more than two weeks in the past and two hours in the future.",
            );
          if (typeof d.Value !== "number" || !Number.isFinite(d.Value))
            return invalid("The value for parameter MetricData.member.Value is invalid.");
          if ((d.Dimensions?.length ?? 0) > 30) return invalid("The collection Dimensions must not have a size greater than 30.");
        }
        for (const d of body.MetricData) {
          store.add({
            namespace: body.Namespace,
            name: d.MetricName,
            dimensions: Object.fromEntries((d.Dimensions ?? []).map((x) => [x.Name, x.Value])),
            timestamp: (d.Timestamp ?? now / 1000) * 1000,
            value: d.Value as number,
            receivedAt: now,
            via: "put-metric-data",
          });
        }
        return send(200, {});
      }
      if (target === "secretsmanager.GetSecretValue") {
        const { SecretId } = JSON.parse(text) as { SecretId: string };
        const value = secrets.get(SecretId);
        if (value === undefined)
          return send(
            400,
            { __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." },
            "application/x-amz-json-1.1",
          );
        return send(
          200,
          {
            ARN: `arn:aws:secretsmanager:eu-west-1:111111111111:secret:${SecretId}-AbCdEf`,
            Name: SecretId,
            SecretString: value,
            VersionId: "v1",
          },
          "application/x-amz-json-1.1",
        );
      }
      send(400, { __type: "UnknownOperationException", message: `unsupported ${target}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secrets,
    get rejected() {
      return state.rejected;
    },
    set rejected(v: number) {
      state.rejected = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
