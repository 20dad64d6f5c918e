/**
 * End to end on kinesalite: poller-shaped snapshots written by the poller's own Kinesis sink
 * (lambdas/redfish-poller/kinesis-sink.ts) into a real (emulated) stream, read back through the
 * event-source-mapping shape with the pipeline's settings, into the ingest handler, into the
 * local Timestream Write server; and the DLQ re-drive after an outage.
 */
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BmcSnapshot } from "../../core/snapshot";
import {
  KinesisEventSourceMapping,
  type MappingOptions,
  type OnFailureRecord,
  PIPELINE_MAPPING_SETTINGS,
} from "../../dev-support/event-source-mapping";
import { type Kinesalite, startKinesalite } from "../../dev-support/kinesalite";
import { snapshotFor } from "../../dev-support/snapshot-fleet";
import { DATABASE, startHarness, type TimestreamHarness } from "../../dev-support/telemetry-harness";
import { putSnapshots } from "../../lambdas/redfish-poller/kinesis-sink";
import { shapeSnapshot } from "../../lambdas/telemetry-ingest/records";
import { redrive } from "../../scripts/telemetry-dlq-redrive";

let kinesalite: Kinesalite;
let h: TimestreamHarness;
let sqsClient: SQSClient;
const minute = (offset: number) => new Date(Math.floor(Date.now() / 60_000) * 60_000 - offset * 60_000).toISOString();

beforeAll(async () => {
  kinesalite = await startKinesalite();
  h = await startHarness();
  sqsClient = new SQSClient({
    endpoint: h.sqs.endpoint,
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local" },
    requestHandler: new NodeHttpHandler(),
  });
});
afterAll(async () => {
  sqsClient.destroy();
  await h.close();
  await kinesalite.close();
});

/** The documented key of a stored record: bmc + component (or the poll) + time. */
function storedKeys(): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const table of ["components", "snapshots"]) {
    for (const r of h.timestream.records(DATABASE, table)) {
      out.set(`${r.dimensions.bmc}|${r.measureName}|${r.dimensions.component ?? ""}|${r.dimensions.system ?? ""}|${r.timeMs}`, r.values);
    }
  }
  return out;
}
function expectedKeys(snapshots: readonly BmcSnapshot[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const s of snapshots) {
    for (const p of shapeSnapshot(s, 0)) {
      const dim = (n: string) => p.dimensions.find((d) => d.Name === n)?.Value ?? "";
      out.set(
        `${dim("bmc")}|${p.measureName}|${dim("component")}|${dim("system")}|${p.timeMs}`,
        Object.fromEntries(p.measures.map((m) => [m.Name, `${m.Type}:${m.Value}`])),
      );
    }
  }
  return out;
}

async function produce(streamName: string, snapshots: readonly BmcSnapshot[]) {
  const client = kinesalite.client();
  const put = await putSnapshots(
    client,
    streamName,
    snapshots.map((s) => ({ partitionKey: s.bmc, data: Buffer.from(JSON.stringify(s)) })),
    { sleep: async () => {} },
  );
  client.destroy();
  expect(put.failed).toEqual([]);
}

/** A fresh mapping (from TRIM_HORIZON) drained until caught up. */
async function drainStream(options: MappingOptions) {
  const mapping = new KinesisEventSourceMapping(options);
  await mapping.drain();
  return mapping.stats;
}

const onFailureToDlq = async (record: OnFailureRecord) => {
  await sqsClient.send(
    new SendMessageBatchCommand({ QueueUrl: h.sqs.queueUrl, Entries: [{ Id: "0", MessageBody: JSON.stringify(record) }] }),
  );
};

test("poller-shaped snapshots: stream -> event source mapping -> ingest -> Timestream, every record once, nothing dead-lettered", async () => {
  const streamArn = await kinesalite.createStream("telemetry-e2e", 2);
  // 100 HGX nodes (8 GPUs each), three polls.
  const snapshots = [0, 1, 2].flatMap((m) => Array.from({ length: 100 }, (_, i) => snapshotFor(i, minute(m + 1))));
  await produce("telemetry-e2e", snapshots);
  const client = kinesalite.client();
  const stats = await drainStream({ client, streamName: "telemetry-e2e", streamArn, handler: h.handler, onFailure: onFailureToDlq });
  client.destroy();

  expect(stats.recordsDelivered).toBe(300);
  expect(stats.onFailureBatches).toBe(0);
  expect(h.sqs.messages).toEqual([]);
  const expected = expectedKeys(snapshots);
  const stored = storedKeys();
  expect(stored.size).toBe(expected.size);
  for (const [key, values] of expected) expect(stored.get(key), key).toEqual(values);
  // Per-GPU detail is in the logs, one summary line per snapshot.
  expect(h.lines.filter((l) => l.event === "fleetwatch.snapshot")).toHaveLength(300);
});

test("an outage longer than the retries: on-failure records in the DLQ, then the re-drive completes the data", async () => {
  const streamArn = await kinesalite.createStream("telemetry-outage", 1);
  const snapshots = Array.from({ length: 40 }, (_, i) => snapshotFor(500 + i, minute(1)));
  await produce("telemetry-outage", snapshots);
  const before = storedKeys().size;

  h.timestream.inject = () => "ThrottlingException"; // Timestream down for the whole drain
  const client = kinesalite.client();
  const outage = await drainStream({ client, streamName: "telemetry-outage", streamArn, handler: h.handler, onFailure: onFailureToDlq });
  expect(outage.onFailureBatches).toBe(1);
  expect(outage.invocations).toBe(PIPELINE_MAPPING_SETTINGS.retryAttempts + 1);
  expect(storedKeys().size).toBe(before);
  const [message] = h.sqs.messages;
  expect(JSON.parse(message?.body ?? "{}").KinesisBatchInfo).toMatchObject({ shardId: "shardId-000000000000", batchSize: 40 });

  h.timestream.inject = () => undefined; // fixed
  // A re-drive that cannot read or put the records keeps the message in the queue.
  const report = await redrive({
    sqs: sqsClient,
    kinesis: client,
    queueUrl: h.sqs.queueUrl,
    streamName: "no-such-stream",
    only: "on-failure",
  });
  expect(report).toMatchObject({ failed: 1, redriven: 0 });
  expect(h.sqs.messages).toHaveLength(1);
  for (const m of h.sqs.messages) m.invisibleUntil = 0;

  const done = await redrive({ sqs: sqsClient, kinesis: client, queueUrl: h.sqs.queueUrl });
  expect(done).toMatchObject({ messages: 1, redriven: 1, recordsPut: 40, failed: 0 });
  expect(h.sqs.messages).toEqual([]);
  // The mapping drains the stream again (originals + re-driven copies): replays are idempotent.
  await drainStream({ client, streamName: "telemetry-outage", streamArn, handler: h.handler, onFailure: onFailureToDlq });
  client.destroy();
  const expected = expectedKeys(snapshots);
  const stored = storedKeys();
  for (const [key, values] of expected) expect(stored.get(key), key).toEqual(values);
  expect(h.sqs.messages).toEqual([]);
});
