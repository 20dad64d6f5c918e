/**
 * Chaos against the InfluxDB sink: 100,000 distinct snapshots (plus re-sent duplicates and 1 %
 * poison) through kinesalite, the event-source-mapping semantics and the ingest into the local
 * InfluxDB v2 write endpoint, with Kinesis throttling (PutRecords entries, GetRecords calls) and
 * InfluxDB 429 (with Retry-After), 503 and 500 injected. Every good point must be stored once
 * with its values; every poison record must be in the DLQ with its reason.
 */
import type { KinesisStreamEvent } from "aws-lambda";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BmcSnapshot } from "../../core/snapshot";
import { type Kinesalite, startKinesalite } from "../../dev-support/kinesalite";
import { random, snapshotFor } from "../../dev-support/snapshot-fleet";
import { putSnapshots } from "../../lambdas/redfish-poller/kinesis-sink";
import type { DeadLetter } from "../../lambdas/telemetry-ingest/dead-letters";
import { shapeSnapshot } from "../../lambdas/telemetry-ingest/records";
import { drainStream } from "./support/event-source-mapping";
import { type InfluxHarness, startInfluxHarness } from "./support/influx-harness";
import { injectKinesisThrottling } from "./support/kinesis-chaos";

const SNAPSHOTS = 100_000;
const BMCS = 2_000;
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const rnd = random(20261201);

let kinesalite: Kinesalite;
let h: InfluxHarness;
beforeAll(async () => {
  kinesalite = await startKinesalite();
  // Bucket retention 365 days: the 400-day-old poison is refused (422) like in InfluxDB.
  // Fewer sink attempts than production (2, not 5), so InfluxDB errors also reach Kinesis retries.
  h = await startInfluxHarness({ server: { retentionMs: 365 * 86_400_000, now: () => NOW }, retry: { maxAttempts: 2 }, now: () => NOW });
});
afterAll(async () => {
  await h?.close();
  await kinesalite?.close();
});

type Poison =
  | { kind: "not-json"; payload: string }
  | { kind: "not-a-snapshot"; payload: string }
  | { kind: "rejected"; snapshot: BmcSnapshot };

test(`chaos (InfluxDB sink): ${SNAPSHOTS} snapshots with Kinesis throttling, InfluxDB 429/503/500 and 1 % poison: lost = 0, duplicates = 0`, async () => {
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
      // 400 days old: beyond the bucket's retention, InfluxDB refuses it.
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

  const t0 = performance.now();
  const streamArn = await kinesalite.createStream("telemetry-chaos-influx", 4);
  const producer = kinesalite.client();
  const producerChaos = injectKinesisThrottling(producer, { putEntry: 0.05, getRecords: 0 }, rnd);
  const put = await putSnapshots(producer, "telemetry-chaos-influx", payloads, { maxAttempts: 20, sleep: async () => {} });
  producer.destroy();
  expect(put.failed).toEqual([]);
  const t1 = performance.now();

  // 5 % of writes answered 429 with Retry-After: 1, 5 % 503 without it, 1 % 500.
  h.influx.inject = () => {
    const r = rnd();
    return r < 0.05 ? { status: 429, retryAfterSeconds: 1 } : r < 0.1 ? { status: 503 } : r < 0.11 ? { status: 500 } : undefined;
  };
  const consumer = kinesalite.client();
  // 20 % of GetRecords calls (there are only a few dozen: each returns a whole batch), own PRNG.
  const consumerChaos = injectKinesisThrottling(consumer, { putEntry: 0, getRecords: 0.2 }, random(7));
  const onFailure: unknown[] = [];
  const mapping = await drainStream({
    client: consumer,
    streamName: "telemetry-chaos-influx",
    streamArn,
    handler: (event: KinesisStreamEvent) => h.handler(event),
    onFailure: async (r) => {
      onFailure.push(r);
    },
  });
  consumer.destroy();
  const t2 = performance.now();

  // What must be stored: every point of every distinct good snapshot, with its typed values.
  const expected = new Map<string, string>();
  for (const s of good) {
    for (const p of shapeSnapshot(s, 0)) {
      const tags = { environment: p.environment, cluster: p.cluster, ...Object.fromEntries(p.dimensions.map((d) => [d.Name, d.Value])) };
      const key = `${p.measureName},${Object.keys(tags)
        .sort()
        .map((k) => `${k}=${tags[k as keyof typeof tags]}`)
        .join(",")}|${p.timeMs}`;
      const fields = Object.fromEntries(
        p.measures
          .map((m) => [m.Name, m.Type === "BOOLEAN" ? m.Value === "true" : m.Type === "VARCHAR" ? m.Value : Number(m.Value)] as const)
          .sort(([a], [b]) => a.localeCompare(b)),
      );
      expected.set(key, JSON.stringify(fields));
    }
  }
  let wrongValues = 0;
  let unexpected = 0;
  const seen = new Set<string>();
  for (const p of h.influx.points()) {
    const key = `${p.measurement},${Object.keys(p.tags)
      .sort()
      .map((k) => `${k}=${p.tags[k]}`)
      .join(",")}|${p.timeMs}`;
    seen.add(key);
    const fields = Object.fromEntries(
      Object.entries(p.fields)
        .map(([k, v]) => [k, v.value] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    );
    const want = expected.get(key);
    if (want === undefined) unexpected++;
    else if (want !== JSON.stringify(fields)) wrongValues++;
  }
  const lost = [...expected.keys()].filter((k) => !seen.has(k)).length + wrongValues;
  // A point stored under a key nobody expects, or an overwrite that changed a value, is a duplicate.
  const duplicates = unexpected + h.influx.stats.overwritesChangedValues;

  const letters = h.sqs.messages.map((m) => JSON.parse(m.body) as DeadLetter);
  const byPayload = new Map(letters.filter((l) => l.data).map((l) => [Buffer.from(l.data ?? "", "base64").toString(), l]));
  const missingPoison = poison.filter((p) => {
    const letter = byPayload.get(p.kind === "rejected" ? JSON.stringify(p.snapshot) : p.payload);
    if (!letter) return true;
    if (p.kind === "rejected")
      return letter.stage !== "sink-rejected" || !/^422: partial write: points beyond retention policy/.test(letter.reason);
    return letter.stage !== "decode" || !(p.kind === "not-json" ? /^not JSON/ : /^not a BMC snapshot: bmc/).test(letter.reason);
  }).length;
  const goodInDlq = letters.filter((l) => l.bmc !== undefined && !l.bmc.startsWith("poison-")).length;

  const summary = {
    snapshots: SNAPSHOTS,
    goodSnapshots: good.length,
    poison: poison.length,
    resentDuplicates: payloads.length - SNAPSHOTS,
    kinesisPutEntriesThrottled: producerChaos.putEntriesThrottled,
    kinesisGetRecordsThrottled: consumerChaos.getRecordsThrottled,
    influxThrottled429: h.influx.stats.throttled,
    influx503: h.influx.stats.unavailable,
    influx500: h.influx.stats.internalErrors,
    retryAfterWaitsMs: h.sleeps.filter((ms) => ms === 1000).length,
    writeRequests: h.influx.stats.requests,
    gzipRequests: h.influx.stats.gzipRequests,
    maxLinesPerRequest: h.influx.stats.maxLinesPerRequest,
    invocations: mapping.invocations,
    redeliveredRecords: mapping.redeliveredRecords,
    replaysAbsorbedAsOverwrites: h.influx.stats.overwritesSameValues,
    expectedPoints: expected.size,
    storedPoints: h.influx.pointCount(),
    deadLetters: letters.length,
    lost,
    duplicates,
    produceSeconds: Math.round((t1 - t0) / 100) / 10,
    drainSeconds: Math.round((t2 - t1) / 100) / 10,
  };
  console.log(`chaos-influx ${JSON.stringify(summary)}`);

  expect(producerChaos.putEntriesThrottled).toBeGreaterThan(0);
  expect(consumerChaos.getRecordsThrottled).toBeGreaterThan(0);
  expect(h.influx.stats.throttled).toBeGreaterThan(0);
  expect(h.influx.stats.unavailable).toBeGreaterThan(0);
  // Retry-After: 1 was honoured (the sink asked to wait exactly 1 s), gzip on every write, <= 5,000 lines.
  expect(summary.retryAfterWaitsMs).toBeGreaterThan(0);
  expect(h.influx.stats.gzipRequests).toBe(
    h.influx.stats.requests - h.influx.stats.throttled - h.influx.stats.unavailable - h.influx.stats.internalErrors,
  );
  expect(h.influx.stats.maxLinesPerRequest).toBeLessThanOrEqual(5000);
  // Some snapshots failed after the sink's attempts and came back through the mapping's retries.
  expect(mapping.redeliveredRecords).toBeGreaterThan(0);
  expect(onFailure).toEqual([]);
  expect(missingPoison).toBe(0);
  expect(goodInDlq).toBe(0);
  expect(lost).toBe(0);
  expect(duplicates).toBe(0);
  // Its own budget: ~60-90 s on 2 idle cores, several times that on a shared, loaded machine.
}, 900_000);
