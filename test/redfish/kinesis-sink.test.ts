/**
 * Snapshots into Kinesis (kinesalite, the real Kinesis API emulator): batches of at most 500,
 * only rejected entries retried, and undeliverable snapshots fail the invocation visibly.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type PutRecordsCommandOutput,
} from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { GPU_TEMPERATURE_DEFAULTS_C } from "../../core/constants";
import { buildInventory } from "../../core/contracts/redfish-inventory";
import { METRICS } from "../../core/metric-registry";
import { BmcSnapshotSchema } from "../../core/snapshot";
import { type Kinesalite, startKinesalite } from "../../dev-support/kinesalite";
import { type FakeBmc, startFakeBmc } from "../../dev-support/redfish-bmc-server";
import { testCertificate } from "../../dev-support/tls";
import { batches, MAX_RECORDS_PER_CALL, putSnapshots, type SinkRecord } from "../../lambdas/redfish-poller/kinesis-sink";
import type { BmcMemory } from "../../lambdas/redfish-poller/poll-bmc";
import { createBmcAgent } from "../../lambdas/redfish-poller/redfish-client";
import { runShard, UndeliveredSnapshotsError } from "../../lambdas/redfish-poller/run-shard";

let kinesis: Kinesalite;
beforeAll(async () => {
  kinesis = await startKinesalite();
});
afterAll(async () => {
  await kinesis.close();
});

function records(n: number, size = 100): SinkRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    partitionKey: `10.0.${Math.floor(i / 250)}.${i % 250}`,
    data: Buffer.from(JSON.stringify({ i, pad: "x".repeat(size) })),
  }));
}

async function readAll(client: KinesisClient, stream: string): Promise<unknown[]> {
  const out: unknown[] = [];
  const shards = await client.send(new ListShardsCommand({ StreamName: stream }));
  for (const shard of shards.Shards ?? []) {
    const it = await client.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId!, ShardIteratorType: "TRIM_HORIZON" }),
    );
    let iterator = it.ShardIterator;
    for (let i = 0; i < 20 && iterator; i++) {
      const res = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of res.Records ?? []) out.push(JSON.parse(Buffer.from(r.Data!).toString("utf8")));
      if (!res.Records?.length) break;
      iterator = res.NextShardIterator;
    }
  }
  return out;
}

/** Records the size of every PutRecords call and lets a test rewrite responses (per-entry failures). */
function instrument(client: KinesisClient, rewrite?: (call: number, out: PutRecordsCommandOutput, keys: string[]) => void) {
  const calls: number[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { Records?: { PartitionKey: string }[] };
      calls.push(input.Records?.length ?? 0);
      const result = await next(args);
      rewrite?.(
        calls.length,
        result.output as PutRecordsCommandOutput,
        (input.Records ?? []).map((r) => r.PartitionKey),
      );
      return result;
    },
    { step: "initialize", name: "fwCountPutRecords" },
  );
  return calls;
}

test("batches never exceed 500 records or 5 MiB", () => {
  expect(batches(records(1203)).map((b) => b.length)).toEqual([500, 500, 203]);
  const big = batches(records(40, 200_000));
  for (const b of big) expect(b.reduce((a, r) => a + r.data.byteLength + r.partitionKey.length, 0)).toBeLessThanOrEqual(5 * 1024 * 1024);
  expect(MAX_RECORDS_PER_CALL).toBe(500);
});

test("1,203 snapshots arrive in 3 PutRecords calls, one record each", async () => {
  await kinesis.createStream("sink-ok", 2);
  const client = kinesis.client();
  const calls = instrument(client);
  const res = await putSnapshots(client, "sink-ok", records(1203));
  expect(res).toMatchObject({ written: 1203, failed: [] });
  expect(calls).toEqual([500, 500, 203]);
  expect(await readAll(client, "sink-ok")).toHaveLength(1203);
});

test("only the entries Kinesis rejected are retried", async () => {
  await kinesis.createStream("sink-retry", 1);
  const client = kinesis.client();
  const calls = instrument(client, (call, out) => {
    if (call === 1) {
      for (const i of [3, 7, 11])
        out.Records![i] = { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "Rate exceeded for shard" };
      out.FailedRecordCount = 3;
    }
  });
  const res = await putSnapshots(client, "sink-retry", records(20), { sleep: async () => {} });
  expect(calls).toEqual([20, 3]);
  expect(res).toMatchObject({ written: 20, failed: [] });
});

test("an entry that keeps failing is reported, not dropped", async () => {
  await kinesis.createStream("sink-fail", 1);
  const client = kinesis.client();
  instrument(client, (_call, out, keys) => {
    keys.forEach((k, i) => {
      if (k === "10.0.0.5") out.Records![i] = { ErrorCode: "InternalFailure", ErrorMessage: "Internal service failure." };
    });
  });
  const res = await putSnapshots(client, "sink-fail", records(10), { sleep: async () => {}, maxAttempts: 3 });
  expect(res.written).toBe(9);
  expect(res.failed).toEqual([{ partitionKey: "10.0.0.5", error: "InternalFailure: Internal service failure." }]);
});

test("a shard run writes one valid snapshot per BMC, publishes poller metrics, and fails loudly when Kinesis refuses", async () => {
  const bmcs: FakeBmc[] = await Promise.all([
    startFakeBmc({ mockup: "dmtf-public-tower" }),
    startFakeBmc({ mockup: "dmtf-public-rackmount1", password: "other-password" }),
    startFakeBmc({ mockup: "dmtf-public-rackmount1", faults: { "*": { kind: "hang" } } }),
  ]);
  const agent = createBmcAgent({ ca: testCertificate().ca });
  try {
    const inventory = buildInventory({
      environment: "test",
      shardSize: 10,
      requestTimeoutMs: 1_000,
      concurrency: 8,
      intervalSeconds: 60,
      gpuTemperatureCriticalC: GPU_TEMPERATURE_DEFAULTS_C.critical,
      clusters: [
        { name: "lab-a", bmcs: bmcs.map((b) => b.host), credentialsSecretName: "fw/lab-a", auth: "session", insecureSkipTlsVerify: true },
      ],
    });
    await kinesis.createStream("shard-run", 1);
    const published: { dims: string; values: Record<string, number> }[] = [];
    const warnings: string[] = [];
    const deps = {
      inventory,
      kinesis: kinesis.client(),
      streamName: "shard-run",
      credentials: async () => ({ username: "monitor", password: "s3cret-Passw0rd" }),
      dispatcherFor: () => agent,
      memory: new Map<string, BmcMemory>(),
      metrics: {
        cluster: (cluster: string, values: Record<string, number>) =>
          published.push({ dims: `Environment=test,Cluster=${cluster}`, values }),
        environment: (values: Record<string, number>) => published.push({ dims: "Environment=test", values }),
      },
      log: { info: () => {}, warn: (m: string) => warnings.push(m), error: () => {} },
      budgetMs: 10_000,
    };
    const result = await runShard({ shard: 0 }, deps);
    expect(result).toMatchObject({ polled: 3, written: 3, byStatus: { ok: 1, auth_failed: 1, unreachable: 1 } });
    const written = await readAll(deps.kinesis, "shard-run");
    expect(written).toHaveLength(3);
    for (const s of written) BmcSnapshotSchema.parse(s);
    expect(JSON.stringify(written)).not.toContain("s3cret-Passw0rd");
    const cluster = published.find((p) => p.dims.endsWith("Cluster=lab-a"))!;
    expect(cluster.values).toMatchObject({ pollerBmcsPolled: 3, pollerBmcsUnreachable: 1, pollerAuthFailures: 1 });
    expect(Object.keys(cluster.values).every((k) => k in METRICS)).toBe(true);
    // The cluster opted out of TLS verification: one warning per poll.
    expect(warnings.filter((w) => /verification is OFF/.test(w))).toHaveLength(1);

    const refusing = kinesis.client();
    instrument(refusing, (_c, out) => {
      out.Records = out.Records!.map(() => ({ ErrorCode: "InternalFailure", ErrorMessage: "Internal service failure." }));
    });
    await expect(runShard({ shard: 0 }, { ...deps, kinesis: refusing })).rejects.toBeInstanceOf(UndeliveredSnapshotsError);
    expect(published.at(-1)).toMatchObject({ dims: "Environment=test", values: { pollerSnapshotsUndelivered: 3 } });
  } finally {
    await agent.close();
    await Promise.all(bmcs.map((b) => b.close()));
  }
});
