/** The enricher's stream reader against kinesalite (a real Kinesis API emulator), with the real SDK client. */
import { PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type Kinesalite, startKinesalite } from "../../dev-support/kinesalite";
import { readSnapshotWindow } from "../../lambdas/p1-enricher/kinesis-window";
import { findOffenders } from "../../lambdas/p1-enricher/offenders";

let k: Kinesalite;
beforeAll(async () => {
  k = await startKinesalite();
});
afterAll(async () => {
  await k?.close();
});

const snapshot = (cluster: string, bmc: string, eccUncorrectable: number, collectedAt: string) => ({
  schema: "fleetwatch.bmc-snapshot.v1",
  environment: "prod",
  cluster,
  bmc,
  collectedAt,
  durationMs: 700,
  requests: 3,
  status: "ok",
  errors: [],
  components: [{ kind: "gpu", id: "GPU_SXM_2", temperatureC: 60, eccUncorrectable }],
});

test("reads the window's snapshots from every shard, keeps the alarm's cluster, skips non-snapshots, and finds the ECC offender", async () => {
  await k.createStream("snapshots", 3);
  const client = k.client();
  const records = [
    snapshot("train-a", "10.64.0.11", 0, "2026-11-22T10:00:00.000Z"),
    snapshot("train-a", "10.64.0.12", 1, "2026-11-22T10:00:00.000Z"),
    snapshot("train-a", "10.64.0.12", 3, "2026-11-22T10:01:00.000Z"),
    snapshot("infer-b", "10.65.0.10", 9, "2026-11-22T10:01:00.000Z"),
  ].map((s, i) => ({ Data: new TextEncoder().encode(JSON.stringify(s)), PartitionKey: `${s.bmc}-${i}` }));
  records.push({ Data: new TextEncoder().encode("not a snapshot"), PartitionKey: "junk" });
  await client.send(new PutRecordsCommand({ StreamName: "snapshots", Records: records }));

  const from = new Date(Date.now() - 60_000);
  const to = new Date(Date.now() + 60_000);
  const got = await readSnapshotWindow(client, "snapshots", { from, to, cluster: "train-a", budgetMs: 20_000, maxSnapshots: 100 });
  expect(got.map((s) => `${s.bmc}@${s.collectedAt}`).sort()).toEqual([
    "10.64.0.11@2026-11-22T10:00:00.000Z",
    "10.64.0.12@2026-11-22T10:00:00.000Z",
    "10.64.0.12@2026-11-22T10:01:00.000Z",
  ]);
  expect(findOffenders({ kind: "gpu-ecc", cluster: "train-a", threshold: 0 }, got)).toEqual([
    { cluster: "train-a", bmc: "10.64.0.12", component: "GPU_SXM_2", detail: "3 uncorrectable ECC errors (+2 in window)" },
  ]);
});
