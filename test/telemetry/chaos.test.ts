/**
 * Chaos, once per telemetry store: 100,000 distinct snapshots (plus re-sent duplicates and 1 %
 * poison) through kinesalite, the event source mapping (dev-support/event-source-mapping.ts) and
 * the ingest into the local Timestream Write server or InfluxDB v2 write endpoint, with Kinesis
 * throttling (PutRecords entries and GetRecords calls) and the store's own failures injected
 * (Timestream throttling and 5xx; InfluxDB 429 with Retry-After, 503 and 500). Every good record
 * must be stored exactly once with its values (lost = 0, duplicates = 0); every poison record
 * must be in the DLQ with its reason, and no good one.
 */
import { afterEach, describe, expect, test } from "vitest";
import type { BmcSnapshot } from "../../core/snapshot";
import { KinesisEventSourceMapping, type MappingStats } from "../../dev-support/event-source-mapping";
import { type Kinesalite, startKinesalite } from "../../dev-support/kinesalite";
import { random, snapshotFor } from "../../dev-support/snapshot-fleet";
import { DATABASE, type Harness, type InfluxHarness, startHarness, type TimestreamHarness } from "../../dev-support/telemetry-harness";
import { putSnapshots } from "../../lambdas/redfish-poller/kinesis-sink";
import type { DeadLetter } from "../../lambdas/telemetry-ingest/dead-letters";
import { type SinkPoint, shapeSnapshot } from "../../lambdas/telemetry-ingest/records";
import { injectKinesisThrottling } from "./support/kinesis-chaos";

const SNAPSHOTS = 100_000;
const BMCS = 2_000;
// The current minute: EMF timestamps are then within CloudWatch's accepted window (Powertools
// warns on every datapoint otherwise). The store fakes are pinned to the same instant.
const NOW = Math.floor(Date.now() / 60_000) * 60_000;

/** One stored record (Timestream) or point (InfluxDB): its identity and its typed values. */
interface Stored {
  readonly key: string;
  readonly values: string;
}

/** What differs between the stores; everything else (load, faults upstream, the accounting) is shared. */
interface StoreCase<H extends Harness> {
  readonly seed: number;
  readonly title: string;
  start(): Promise<H>;
  /** Store-side failures, drawn from the run's PRNG. */
  injectFaults(h: H, rnd: () => number): void;
  expected(point: SinkPoint): Stored;
  stored(h: H): Stored[];
  /** Stored writes that replaced a point with other values (the store keeps one per key). */
  overwritesChangedValues(h: H): number;
  /** The store's reason for refusing the 400-day-old poison. */
  readonly tooOld: RegExp;
  summary(h: H): Record<string, number>;
  extraChecks(h: H, mapping: MappingStats): void;
}

const timestreamCase: StoreCase<TimestreamHarness> = {
  seed: 20261122,
  title: "Kinesis and Timestream throttling",
  // Fewer sink retries than production, so Timestream throttling also reaches Kinesis retries.
  start: async () => {
    const h = await startHarness({ retry: { maxAttempts: 3, delayMs: () => 0 }, keepLines: false, writeConcurrency: 16, now: () => NOW });
    h.timestream.now = () => NOW;
    return h;
  },
  // Timestream throttles 10 % and fails 1 % of WriteRecords.
  injectFaults: (h, rnd) => {
    h.timestream.inject = () => {
      const r = rnd();
      return r < 0.1 ? "ThrottlingException" : r < 0.11 ? "InternalServerException" : undefined;
    };
  },
  expected: (p) => ({
    key: `${p.table}|${[...p.dimensions.map((d) => `${d.Name}=${d.Value}`)].sort().join(",")}|${p.measureName}|${p.timeMs}`,
    values: JSON.stringify(Object.fromEntries(p.measures.map((m) => [m.Name, `${m.Type}:${m.Value}`]))),
  }),
  stored: (h) =>
    (["components", "snapshots"] as const).flatMap((table) =>
      h.timestream.records(DATABASE, table).map((r) => ({
        key: `${table}|${Object.entries(r.dimensions)
          .filter(([k]) => k !== "environment" && k !== "cluster")
          .map(([k, v]) => `${k}=${v}`)
          .sort()
          .join(",")}|${r.measureName}|${r.timeMs}`,
        values: JSON.stringify(r.values),
      })),
    ),
  // Timestream keeps every distinct version: a changed replay shows up as a second record.
  overwritesChangedValues: () => 0,
  // 400 days old: outside the magnetic store's 365 days, Timestream rejects it.
  tooOld: /outside the time range/,
  summary: (h) => ({
    timestreamThrottled: h.timestream.stats.throttled,
    timestream5xx: h.timestream.stats.internalErrors,
    replaysAbsorbedAsUpserts: h.timestream.stats.unchangedUpserts,
  }),
  extraChecks: (h) => {
    expect(h.timestream.stats.throttled).toBeGreaterThan(0);
  },
};

const influxCase: StoreCase<InfluxHarness> = {
  seed: 20261201,
  title: "Kinesis throttling, InfluxDB 429/503/500",
  // Bucket retention 365 days: the 400-day-old poison is refused (422) like in InfluxDB.
  // Fewer sink attempts than production (2, not 5), so InfluxDB errors also reach Kinesis retries.
  start: () =>
    startHarness({
      store: "influx",
      server: { retentionMs: 365 * 86_400_000, now: () => NOW },
      retry: { maxAttempts: 2 },
      keepLines: false,
      now: () => NOW,
    }),
  // 5 % of writes answered 429 with Retry-After: 1, 5 % 503 without it, 1 % 500.
  injectFaults: (h, rnd) => {
    h.influx.inject = () => {
      const r = rnd();
      return r < 0.05 ? { status: 429, retryAfterSeconds: 1 } : r < 0.1 ? { status: 503 } : r < 0.11 ? { status: 500 } : undefined;
    };
  },
  expected: (p) => {
    const tags: Record<string, string> = {
      environment: p.environment,
      cluster: p.cluster,
      ...Object.fromEntries(p.dimensions.map((d) => [d.Name, d.Value])),
    };
    const fields = p.measures
      .map((m) => [m.Name, m.Type === "BOOLEAN" ? m.Value === "true" : m.Type === "VARCHAR" ? m.Value : Number(m.Value)] as const)
      .sort(([a], [b]) => a.localeCompare(b));
    return { key: influxKey(p.measureName, tags, p.timeMs), values: JSON.stringify(Object.fromEntries(fields)) };
  },
  stored: (h) =>
    h.influx.points().map((p) => ({
      key: influxKey(p.measurement, p.tags, p.timeMs),
      values: JSON.stringify(
        Object.fromEntries(
          Object.entries(p.fields)
            .map(([k, v]) => [k, v.value] as const)
            .sort(([a], [b]) => a.localeCompare(b)),
        ),
      ),
    })),
  // InfluxDB keeps one point per series and time: a changed replay overwrites, which the fake counts.
  overwritesChangedValues: (h) => h.influx.stats.overwritesChangedValues,
  // 400 days old: beyond the bucket's retention, InfluxDB refuses it.
  tooOld: /^422: partial write: points beyond retention policy/,
  summary: (h) => ({
    influxThrottled429: h.influx.stats.throttled,
    influx503: h.influx.stats.unavailable,
    influx500: h.influx.stats.internalErrors,
    retryAfterWaitsMs: h.sleeps.filter((ms) => ms === 1000).length,
    writeRequests: h.influx.stats.requests,
    gzipRequests: h.influx.stats.gzipRequests,
    maxLinesPerRequest: h.influx.stats.maxLinesPerRequest,
    replaysAbsorbedAsOverwrites: h.influx.stats.overwritesSameValues,
  }),
  extraChecks: (h, mapping) => {
    const s = h.influx.stats;
    expect(s.throttled).toBeGreaterThan(0);
    expect(s.unavailable).toBeGreaterThan(0);
    // Retry-After: 1 was honoured (the sink asked to wait exactly 1 s), gzip on every write, <= 5,000 lines.
    expect(h.sleeps.filter((ms) => ms === 1000).length).toBeGreaterThan(0);
    expect(s.gzipRequests).toBe(s.requests - s.throttled - s.unavailable - s.internalErrors);
    expect(s.maxLinesPerRequest).toBeLessThanOrEqual(5000);
    // Some snapshots failed after the sink's attempts and came back through the mapping's retries.
    expect(mapping.redeliveredRecords).toBeGreaterThan(0);
  },
};

function influxKey(measurement: string, tags: Readonly<Record<string, string>>, timeMs: number): string {
  const sorted = Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(",");
  return `${measurement},${sorted}|${timeMs}`;
}

type Poison =
  | { kind: "not-json"; payload: string }
  | { kind: "not-a-snapshot"; payload: string }
  | { kind: "rejected"; snapshot: BmcSnapshot };

/** The poller's load: BMCS BMCs a minute, 1 % poison of three kinds, 0.5 % re-sent. */
function load(rnd: () => number) {
  const good: BmcSnapshot[] = [];
  const poison: Poison[] = [];
  const payloads: Array<{ partitionKey: string; data: Buffer }> = [];
  const shape = { gpusPerBmc: 1, fansPerBmc: 0, extras: false };
  for (let i = 0; i < SNAPSHOTS; i++) {
    const bmc = i % BMCS;
    const collectedAt = new Date(NOW - (SNAPSHOTS / BMCS - Math.floor(i / BMCS)) * 60_000).toISOString();
    if (i % 100 === 37) {
      const which = ((i / 100) % 3) | 0;
      const p: Poison =
        which === 0
          ? { kind: "not-json", payload: `{"schema":"fleetwatch.bmc-snapshot.v1","bmc":"10.0.0.${bmc}",<truncated ${i}` }
          : which === 1
            ? { kind: "not-a-snapshot", payload: JSON.stringify({ ...snapshotFor(bmc, collectedAt, shape), bmc: undefined, seq: i }) }
            : // 400 days old: outside what either store keeps (365 days).
              {
                kind: "rejected",
                snapshot: { ...snapshotFor(bmc, new Date(NOW - 400 * 86_400_000 + i).toISOString(), shape), bmc: `poison-${i}` },
              };
      poison.push(p);
      payloads.push({ partitionKey: `pk-${bmc}`, data: Buffer.from(p.kind === "rejected" ? JSON.stringify(p.snapshot) : p.payload) });
      continue;
    }
    const s = snapshotFor(bmc, collectedAt, shape, rnd);
    good.push(s);
    payloads.push({ partitionKey: s.bmc, data: Buffer.from(JSON.stringify(s)) });
    // The poller re-sends 0.5 % of its snapshots (a retried PutRecords).
    if (rnd() < 0.005) payloads.push({ partitionKey: s.bmc, data: Buffer.from(JSON.stringify(s)) });
  }
  return { good, poison, payloads };
}

let kinesalite: Kinesalite | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  await kinesalite?.close();
  harness = undefined;
  kinesalite = undefined;
});

async function runChaos<H extends Harness>(store: string, c: StoreCase<H>): Promise<void> {
  const rnd = random(c.seed);
  kinesalite = await startKinesalite();
  const h = await c.start();
  harness = h;
  const { good, poison, payloads } = load(rnd);
  const stream = `telemetry-chaos-${store}`;

  // Producer side: the poller's Kinesis sink, 5 % of PutRecords entries throttled.
  const t0 = performance.now();
  const streamArn = await kinesalite.createStream(stream, 4);
  const producer = kinesalite.client();
  const producerChaos = injectKinesisThrottling(producer, { putEntry: 0.05, getRecords: 0 }, rnd);
  const put = await putSnapshots(producer, stream, payloads, { maxAttempts: 20, sleep: async () => {} });
  producer.destroy();
  expect(put.failed).toEqual([]);
  const t1 = performance.now();

  // Consumer side: GetRecords throttled, the store failing.
  c.injectFaults(h, rnd);
  const consumer = kinesalite.client();
  // 20 % of GetRecords calls: there are only a few dozen (each returns a whole batch), so they draw
  // from their own PRNG; sharing the run's, interleaved with the store's faults in whatever order
  // the writes finish, some runs throttled none.
  const consumerChaos = injectKinesisThrottling(consumer, { putEntry: 0, getRecords: 0.2 }, random(7));
  const onFailure: unknown[] = [];
  const mapping = new KinesisEventSourceMapping({
    client: consumer,
    streamName: stream,
    streamArn,
    handler: (event) => h.handler(event),
    onFailure: async (r) => {
      onFailure.push(r);
    },
  });
  await mapping.drain();
  consumer.destroy();
  const t2 = performance.now();

  // What must be stored: every record of every distinct good snapshot, with its values.
  const expected = new Map<string, string>();
  for (const s of good) for (const p of shapeSnapshot(s, 0)) expected.set(c.expected(p).key, c.expected(p).values);
  const seen = new Map<string, number>();
  let wrongValues = 0;
  let unexpected = 0;
  const stored = c.stored(h);
  for (const r of stored) {
    seen.set(r.key, (seen.get(r.key) ?? 0) + 1);
    const want = expected.get(r.key);
    if (want === undefined) unexpected++;
    else if (want !== r.values) wrongValues++;
  }
  const lost = [...expected.keys()].filter((k) => !seen.has(k)).length + wrongValues;
  // A second copy, a record nobody expects, or an overwrite that changed a value is a duplicate.
  const duplicates = [...seen.values()].reduce((n, count) => n + (count - 1), 0) + unexpected + c.overwritesChangedValues(h);

  // Every poison record in the DLQ, with its reason.
  const letters = h.sqs.messages.map((m) => JSON.parse(m.body) as DeadLetter);
  const byPayload = new Map(letters.filter((l) => l.data).map((l) => [Buffer.from(l.data ?? "", "base64").toString(), l]));
  const missingPoison = poison.filter((p) => {
    const letter = byPayload.get(p.kind === "rejected" ? JSON.stringify(p.snapshot) : p.payload);
    if (!letter) return true;
    if (p.kind === "rejected") return letter.stage !== "sink-rejected" || !c.tooOld.test(letter.reason);
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
    ...c.summary(h),
    invocations: mapping.stats.invocations,
    redeliveredRecords: mapping.stats.redeliveredRecords,
    expectedRecords: expected.size,
    storedRecords: stored.length,
    deadLetters: letters.length,
    dlqRedeliveries: letters.length - byPayload.size,
    lost,
    duplicates,
    produceSeconds: Math.round((t1 - t0) / 100) / 10,
    drainSeconds: Math.round((t2 - t1) / 100) / 10,
  };
  console.log(`chaos ${store} ${JSON.stringify(summary)}`);

  expect(producerChaos.putEntriesThrottled).toBeGreaterThan(0);
  expect(consumerChaos.getRecordsThrottled).toBeGreaterThan(0);
  c.extraChecks(h, mapping.stats);
  expect(onFailure).toEqual([]);
  expect(missingPoison).toBe(0);
  expect(goodInDlq).toBe(0);
  expect(lost).toBe(0);
  expect(duplicates).toBe(0);
}

describe("chaos", () => {
  // Each its own budget: ~60-90 s on 2 idle cores, several times that on a shared, loaded machine.
  test(
    `timestream: ${SNAPSHOTS} snapshots with ${timestreamCase.title} and 1 % poison: lost = 0, duplicates = 0`,
    () => runChaos("timestream", timestreamCase),
    900_000,
  );
  test(
    `influx: ${SNAPSHOTS} snapshots with ${influxCase.title} and 1 % poison: lost = 0, duplicates = 0`,
    () => runChaos("influx", influxCase),
    900_000,
  );
});
