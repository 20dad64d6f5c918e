/**
 * Chaos: 100,000 distinct snapshots (plus re-sent duplicates and 1 % poison) through kinesalite,
 * the event-source-mapping semantics and the ingest into the local Timestream Write server,
 * with Kinesis throttling (PutRecords entries and GetRecords calls) and Timestream throttling
 * and 5xx injected. Every good record must be stored exactly once with its values; every
 * poison record must be in the DLQ with its reason.
 */
import type { KinesisStreamEvent } from "aws-lambda";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BmcSnapshot } from "../../core/snapshot";
import { type Kinesalite, startKinesalite } from "../../dev-support/kinesalite";
import { random, snapshotFor } from "../../dev-support/snapshot-fleet";
import { DATABASE, type Harness, startHarness } from "../../dev-support/telemetry-harness";
import { putSnapshots } from "../../lambdas/redfish-poller/kinesis-sink";
import type { DeadLetter } from "../../lambdas/telemetry-ingest/dead-letters";
import { shapeSnapshot } from "../../lambdas/telemetry-ingest/records";
import { drainStream } from "./support/event-source-mapping";
import { injectKinesisThrottling } from "./support/kinesis-chaos";

const SNAPSHOTS = 100_000;
const BMCS = 2_000;
// The current minute: EMF timestamps are then within CloudWatch's accepted window (Powertools
// warns on every datapoint otherwise). The Timestream fake is pinned to the same instant.
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const rnd = random(20261122);

let kinesalite: Kinesalite;
let h: Harness;
beforeAll(async () => {
  kinesalite = await startKinesalite();
  // Fewer sink retries than production, so Timestream throttling also reaches Kinesis retries.
  h = await startHarness({ retry: { maxAttempts: 3, delayMs: () => 0 }, keepLines: false, writeConcurrency: 16, now: () => NOW });
  h.timestream.now = () => NOW;
});
afterAll(async () => {
  await h?.close();
  await kinesalite?.close();
});

type Poison =
  | { kind: "not-json"; payload: string }
  | { kind: "not-a-snapshot"; payload: string }
  | { kind: "rejected"; snapshot: BmcSnapshot };

test(`chaos: ${SNAPSHOTS} snapshots with Kinesis and Timestream throttling and 1 % poison: lost = 0, duplicates = 0`, async () => {
  const good: BmcSnapshot[] = [];
  const poison: Poison[] = [];
  const payloads: Array<{ partitionKey: string; data: Buffer }> = [];
  for (let i = 0; i < SNAPSHOTS; i++) {
    const bmc = i % BMCS;
    const collectedAt = new Date(NOW - (SNAPSHOTS / BMCS - Math.floor(i / BMCS)) * 60_000).toISOString();
    if (i % 100 === 37) {
      const which = ((i / 100) % 3) | 0;
      if (which === 0)
        poison.push({ kind: "not-json", payload: `{"schema":"fleetwatch.bmc-snapshot.v1","bmc":"10.0.0.${bmc}",<truncated ${i}` });
      else if (which === 1)
        poison.push({
          kind: "not-a-snapshot",
          payload: JSON.stringify({
            ...snapshotFor(bmc, collectedAt, { gpusPerBmc: 1, fansPerBmc: 0, extras: false }),
            bmc: undefined,
            seq: i,
          }),
        });
      // 400 days old: outside the magnetic store's 365 days, Timestream rejects it.
      else
        poison.push({
          kind: "rejected",
          snapshot: {
            ...snapshotFor(bmc, new Date(NOW - 400 * 86_400_000 + i).toISOString(), { gpusPerBmc: 1, fansPerBmc: 0, extras: false }),
            bmc: `poison-${i}`,
          },
        });
      const p = poison[poison.length - 1] as Poison;
      payloads.push({ partitionKey: `pk-${bmc}`, data: Buffer.from(p.kind === "rejected" ? JSON.stringify(p.snapshot) : p.payload) });
      continue;
    }
    const s = snapshotFor(bmc, collectedAt, { gpusPerBmc: 1, fansPerBmc: 0, extras: false }, rnd);
    good.push(s);
    payloads.push({ partitionKey: s.bmc, data: Buffer.from(JSON.stringify(s)) });
    // The poller re-sends 0.5 % of its snapshots (a retried PutRecords).
    if (rnd() < 0.005) payloads.push({ partitionKey: s.bmc, data: Buffer.from(JSON.stringify(s)) });
  }

  // Producer side: the poller's Kinesis sink, 5 % of PutRecords entries throttled.
  const t0 = performance.now();
  const streamArn = await kinesalite.createStream("telemetry-chaos", 4);
  const producer = kinesalite.client();
  const producerChaos = injectKinesisThrottling(producer, { putEntry: 0.05, getRecords: 0 }, rnd);
  const put = await putSnapshots(producer, "telemetry-chaos", payloads, { maxAttempts: 20, sleep: async () => {} });
  producer.destroy();
  expect(put.failed).toEqual([]);
  const t1 = performance.now();

  // Consumer side: 10 % of GetRecords throttled; Timestream throttles 10 % and fails 1 % of WriteRecords.
  h.timestream.inject = () => {
    const r = rnd();
    return r < 0.1 ? "ThrottlingException" : r < 0.11 ? "InternalServerException" : undefined;
  };
  const consumer = kinesalite.client();
  const consumerChaos = injectKinesisThrottling(consumer, { putEntry: 0, getRecords: 0.1 }, rnd);
  const onFailure: unknown[] = [];
  const mapping = await drainStream({
    client: consumer,
    streamName: "telemetry-chaos",
    streamArn,
    handler: (event: KinesisStreamEvent) => h.handler(event),
    onFailure: async (r) => {
      onFailure.push(r);
    },
  });
  consumer.destroy();
  const t2 = performance.now();

  // What must be stored: every record of every distinct good snapshot, with its values.
  const expected = new Map<string, string>();
  for (const s of good) {
    for (const p of shapeSnapshot(s, 0)) {
      const dims = [...p.dimensions]
        .map((d) => `${d.Name}=${d.Value}`)
        .sort()
        .join(",");
      expected.set(
        `${p.table}|${dims}|${p.measureName}|${p.timeMs}`,
        JSON.stringify(Object.fromEntries(p.measures.map((m) => [m.Name, `${m.Type}:${m.Value}`]))),
      );
    }
  }
  const seen = new Map<string, number>();
  let wrongValues = 0;
  let unexpected = 0;
  for (const table of ["components", "snapshots"] as const) {
    for (const r of h.timestream.records(DATABASE, table)) {
      const dims = Object.entries(r.dimensions)
        .filter(([k]) => k !== "environment" && k !== "cluster")
        .map(([k, v]) => `${k}=${v}`)
        .sort()
        .join(",");
      const key = `${table}|${dims}|${r.measureName}|${r.timeMs}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      const want = expected.get(key);
      if (want === undefined) unexpected++;
      else if (want !== JSON.stringify(r.values)) wrongValues++;
    }
  }
  const lost = [...expected.keys()].filter((k) => !seen.has(k)).length + wrongValues;
  const duplicates = [...seen.values()].reduce((n, c) => n + (c - 1), 0) + unexpected;

  // Every poison record in the DLQ, with its reason.
  const letters = h.sqs.messages.map((m) => JSON.parse(m.body) as DeadLetter);
  const byPayload = new Map(letters.filter((l) => l.data).map((l) => [Buffer.from(l.data ?? "", "base64").toString(), l]));
  const missingPoison = poison.filter((p) => {
    const letter = byPayload.get(p.kind === "rejected" ? JSON.stringify(p.snapshot) : p.payload);
    if (!letter) return true;
    if (p.kind === "rejected") return letter.stage !== "sink-rejected" || !/outside the time range/.test(letter.reason);
    return letter.stage !== "decode" || !(p.kind === "not-json" ? /^not JSON/ : /^not a BMC snapshot: bmc/).test(letter.reason);
  }).length;
  const goodInDlq = letters.filter((l) => l.bmc !== undefined && !l.bmc.startsWith("poison-")).length;
  const dlqRedeliveries = letters.length - byPayload.size;

  const summary = {
    snapshots: SNAPSHOTS,
    goodSnapshots: good.length,
    poison: poison.length,
    resentDuplicates: payloads.length - SNAPSHOTS,
    kinesisPutEntriesThrottled: producerChaos.putEntriesThrottled,
    kinesisGetRecordsThrottled: consumerChaos.getRecordsThrottled,
    timestreamThrottled: h.timestream.stats.throttled,
    timestream5xx: h.timestream.stats.internalErrors,
    invocations: mapping.invocations,
    redeliveredRecords: mapping.redeliveredRecords,
    replaysAbsorbedAsUpserts: h.timestream.stats.unchangedUpserts,
    expectedRecords: expected.size,
    storedRecords: [...seen.values()].reduce((a, b) => a + b, 0),
    deadLetters: letters.length,
    dlqRedeliveries,
    lost,
    duplicates,
    produceSeconds: Math.round((t1 - t0) / 100) / 10,
    drainSeconds: Math.round((t2 - t1) / 100) / 10,
  };
  console.log(`chaos ${JSON.stringify(summary)}`);

  expect(producerChaos.putEntriesThrottled).toBeGreaterThan(0);
  expect(consumerChaos.getRecordsThrottled).toBeGreaterThan(0);
  expect(h.timestream.stats.throttled).toBeGreaterThan(0);
  expect(onFailure).toEqual([]);
  expect(missingPoison).toBe(0);
  expect(goodInDlq).toBe(0);
  expect(lost).toBe(0);
  expect(duplicates).toBe(0);
});
