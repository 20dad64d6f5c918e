/**
 * A local SQS queue speaking the JSON 1.0 protocol (X-Amz-Target: AmazonSQS.<Operation>), for
 * the dead-letter writer and the re-drive: SendMessageBatch, ReceiveMessage, DeleteMessageBatch,
 * GetQueueAttributes. It enforces the documented batch rules: 1-10 entries
 * (EmptyBatchRequest / TooManyEntriesInBatchRequest), distinct entry ids
 * (BatchEntryIdsNotDistinct), 1 MiB per batch (BatchRequestTooLong), MaxNumberOfMessages 1-10,
 * and returns MD5OfBody / MD5OfMessageBody, which the SDK verifies.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const MAX_BATCH_BYTES = 1_048_576;

export interface StoredMessage {
  readonly id: string;
  readonly body: string;
  readonly attributes: Record<string, unknown>;
  receipt?: string;
  invisibleUntil: number;
}

export interface SqsQueueServer {
  readonly endpoint: string;
  readonly queueUrl: string;
  readonly messages: StoredMessage[];
  /** Called per SendMessageBatch; return true to fail the whole call with a 500. */
  failSend: (callNumber: number) => boolean;
  close(): Promise<void>;
}

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

export async function startSqsQueueServer(): Promise<SqsQueueServer> {
  const messages: StoredMessage[] = [];
  let sendCalls = 0;
  const api = { endpoint: "", queueUrl: "", messages, failSend: (_: number) => false, close: async () => {} } as SqsQueueServer & {
    endpoint: string;
    queueUrl: string;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const op = String(req.headers["x-amz-target"] ?? "").replace("AmazonSQS.", "");
      const reply = (status: number, body: unknown, error?: string) => {
        const text = JSON.stringify(
          error ? { __type: `com.amazonaws.sqs#${error}`, message: String((body as { message?: string }).message ?? error) } : body,
        );
        res.writeHead(status, {
          "content-type": "application/x-amz-json-1.0",
          "content-length": Buffer.byteLength(text),
          ...(error ? { "x-amzn-query-error": `AWS.SimpleQueueService.${error};Sender` } : {}),
        });
        res.end(text);
      };
      const input = JSON.parse(raw || "{}") as Record<string, unknown>;
      if (input.QueueUrl !== api.queueUrl) return reply(400, { message: "The specified queue does not exist." }, "QueueDoesNotExist");
      const now = Date.now();
      switch (op) {
        case "SendMessageBatch": {
          sendCalls++;
          if (api.failSend(sendCalls)) return reply(500, { message: "internal error" }, "InternalError");
          const entries = (input.Entries ?? []) as Array<{ Id: string; MessageBody: string; MessageAttributes?: Record<string, unknown> }>;
          if (entries.length === 0) return reply(400, { message: "no entries" }, "EmptyBatchRequest");
          if (entries.length > 10) return reply(400, { message: "at most 10 entries" }, "TooManyEntriesInBatchRequest");
          if (new Set(entries.map((e) => e.Id)).size !== entries.length)
            return reply(400, { message: "ids not distinct" }, "BatchEntryIdsNotDistinct");
          const bytes = entries.reduce((n, e) => n + Buffer.byteLength(e.MessageBody, "utf8"), 0);
          if (bytes > MAX_BATCH_BYTES) return reply(400, { message: `batch is ${bytes} bytes` }, "BatchRequestTooLong");
          const Successful = entries.map((e) => {
            const id = randomUUID();
            messages.push({ id, body: e.MessageBody, attributes: e.MessageAttributes ?? {}, invisibleUntil: 0 });
            return { Id: e.Id, MessageId: id, MD5OfMessageBody: md5(e.MessageBody) };
          });
          return reply(200, { Successful, Failed: [] });
        }
        case "ReceiveMessage": {
          const max = Number(input.MaxNumberOfMessages ?? 1);
          if (!Number.isInteger(max) || max < 1 || max > 10)
            return reply(400, { message: "MaxNumberOfMessages must be 1-10" }, "InvalidParameterValue");
          const visible = messages.filter((m) => m.invisibleUntil <= now).slice(0, max);
          for (const m of visible) {
            m.receipt = randomUUID();
            m.invisibleUntil = now + Number(input.VisibilityTimeout ?? 30) * 1000;
          }
          return reply(200, {
            Messages: visible.map((m) => ({ MessageId: m.id, ReceiptHandle: m.receipt, MD5OfBody: md5(m.body), Body: m.body })),
          });
        }
        case "DeleteMessageBatch": {
          const entries = (input.Entries ?? []) as Array<{ Id: string; ReceiptHandle: string }>;
          if (entries.length === 0 || entries.length > 10)
            return reply(400, { message: "1-10 entries" }, entries.length ? "TooManyEntriesInBatchRequest" : "EmptyBatchRequest");
          const Successful: Array<{ Id: string }> = [];
          const Failed: Array<{ Id: string; Code: string; SenderFault: boolean; Message: string }> = [];
          for (const e of entries) {
            const i = messages.findIndex((m) => m.receipt === e.ReceiptHandle);
            if (i >= 0) {
              messages.splice(i, 1);
              Successful.push({ Id: e.Id });
            } else Failed.push({ Id: e.Id, Code: "ReceiptHandleIsInvalid", SenderFault: true, Message: "unknown receipt handle" });
          }
          return reply(200, { Successful, Failed });
        }
        case "GetQueueAttributes":
          return reply(200, { Attributes: { ApproximateNumberOfMessages: String(messages.length) } });
        default:
          return reply(400, { message: `unsupported ${op}` }, "UnsupportedOperation");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  api.endpoint = `http://127.0.0.1:${port}`;
  api.queueUrl = `${api.endpoint}/111111111111/fleetwatch-telemetry-dlq`;
  api.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return api;
}
