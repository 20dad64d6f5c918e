/**
 * The telemetry-ingest handler (createHandler, as in production) on Lambda's Kinesis event
 * shape, against the local Timestream Write and SQS servers through the real SDK clients.
 */
import type { KinesisStreamEvent } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { METRIC_NAMESPACE, METRICS } from "../../core/metric-registry";
import { kinesisEventRecord, snapshotFor } from "../../dev-support/snapshot-fleet";
import { DATABASE, distinctMetrics, emfBlobs, startHarness, type TimestreamHarness } from "../../dev-support/telemetry-harness";
import { DEAD_LETTER_KIND, type DeadLetter } from "../../lambdas/telemetry-ingest/dead-letters";

const NOW = Date.parse("2026-11-22T10:00:30.000Z");
const AT = "2026-11-22T10:00:00.000Z";
let h: TimestreamHarness;

beforeEach(async () => {
  h = await startHarness({ now: () => NOW });
  h.timestream.now = () => NOW;
});
afterEach(async () => h.close());

const event = (payloads: Array<string | object>): KinesisStreamEvent => ({
  Records: payloads.map((p, i) => kinesisEventRecord(typeof p === "string" ? p : JSON.stringify(p), String(1000 + i), `pk-${i}`)),
});
const letters = () => h.sqs.messages.map((m) => JSON.parse(m.body) as DeadLetter);
// Components with at least one reading, plus one "poll" record per snapshot.
const recordsPerSnapshot = (i: number) => snapshotFor(i, AT).components.length + 1;

describe("telemetry-ingest handler", () => {
  test("writes every component once; a duplicate in the batch is acknowledged, not rewritten", async () => {
    const a = snapshotFor(1, AT);
    const b = snapshotFor(2, AT);
    const out = await h.handler(event([a, b, a]));
    expect(out.batchItemFailures).toEqual([]);
    const stored = [...h.timestream.records(DATABASE, "components"), ...h.timestream.records(DATABASE, "snapshots")];
    expect(stored).toHaveLength(recordsPerSnapshot(1) + recordsPerSnapshot(2));
    expect(h.timestream.stats.unchangedUpserts).toBe(0); // the in-batch duplicate never reached Timestream
    expect(letters()).toEqual([]);
  });

  test("a replay in a later invocation is an idempotent upsert: same rows, nothing rejected", async () => {
    const a = snapshotFor(3, AT);
    await h.handler(event([a]));
    const before = h.timestream.records(DATABASE, "components").map((r) => JSON.stringify(r));
    const out = await h.handler(event([a]));
    expect(out.batchItemFailures).toEqual([]);
    expect(h.timestream.records(DATABASE, "components").map((r) => JSON.stringify(r))).toEqual(before);
    expect(h.timestream.stats.unchangedUpserts).toBe(recordsPerSnapshot(3));
    expect(h.timestream.stats.rejected).toBe(0);
  });

  test("poison records go to the DLQ with their reason and payload; the batch moves on", async () => {
    const out = await h.handler(event(["{not json", { ...snapshotFor(4, AT), collectedAt: "soon" }, snapshotFor(5, AT)]));
    expect(out.batchItemFailures).toEqual([]);
    const dead = letters();
    expect(dead.map((l) => [l.kind, l.stage, l.sequenceNumber])).toEqual([
      [DEAD_LETTER_KIND, "decode", "1000"],
      [DEAD_LETTER_KIND, "decode", "1001"],
    ]);
    expect(dead[0]?.reason).toMatch(/not JSON/);
    expect(dead[1]?.reason).toMatch(/collectedAt/);
    expect(Buffer.from(dead[0]?.data ?? "", "base64").toString()).toBe("{not json");
    expect(h.timestream.records(DATABASE, "snapshots")).toHaveLength(1);
  });

  test("records Timestream rejects are data errors: dead-lettered with the service's reason, never retried", async () => {
    // 400 days old: outside even the magnetic store's 365-day retention.
    const old = snapshotFor(6, "2025-10-18T10:00:00.000Z");
    const out = await h.handler(event([old]));
    expect(out.batchItemFailures).toEqual([]);
    const [letter] = letters();
    expect(letter?.stage).toBe("sink-rejected");
    expect(letter?.reason).toMatch(/outside the time range/);
    expect(letter?.rejections?.length).toBe(recordsPerSnapshot(6));
    const rejectedMetric = emfBlobs(h.lines).find((b) => METRICS.sinkRecordsRejected.name in b);
    expect(rejectedMetric?.[METRICS.sinkRecordsRejected.name]).toBe(recordsPerSnapshot(6));
    expect(rejectedMetric?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["Environment"]]);
  });

  test("throttling that outlasts the retries fails the batch items, so Kinesis retries them; nothing is dead-lettered", async () => {
    h.timestream.inject = () => "ThrottlingException";
    const out = await h.handler(event([snapshotFor(7, AT), snapshotFor(8, AT)]));
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(["1000", "1001"]);
    expect(letters()).toEqual([]);
    expect(h.timestream.stats.throttled).toBeGreaterThanOrEqual(4);
    // Not counted as ingested: the retry will count them.
    expect(emfBlobs(h.lines).some((b) => METRICS.snapshotsIngested.name in b)).toBe(false);
  });

  test("a short throttling burst is absorbed by the sink's retries", async () => {
    h.timestream.inject = (n) => (n <= 2 ? "ThrottlingException" : undefined);
    const out = await h.handler(event([snapshotFor(9, AT)]));
    expect(out.batchItemFailures).toEqual([]);
    expect(h.timestream.records(DATABASE, "snapshots")).toHaveLength(1);
  });

  test("if the DLQ itself fails, the poison record is retried instead of lost", async () => {
    h.sqs.failSend = () => true;
    const out = await h.handler(event([snapshotFor(10, AT), "garbage"]));
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: "1001" }]);
  });

  test("EMF: the telemetry-ingest metrics, exactly the Environment+Cluster dimension set, no service dimension", async () => {
    await h.handler(event([snapshotFor(11, AT, { clusters: ["train-a"] })]));
    const blobs = emfBlobs(h.lines);
    expect(blobs.length).toBeGreaterThan(0);
    const fleet = blobs.filter((b) => b.Cluster !== undefined);
    for (const b of fleet) {
      expect(b._aws.CloudWatchMetrics[0]?.Namespace).toBe(METRIC_NAMESPACE);
      expect(b._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["Environment", "Cluster"]]);
      expect(b._aws.Timestamp).toBe(Date.parse("2026-11-22T10:00:00.000Z"));
    }
    const names = new Set(fleet.flatMap((b) => b._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name) ?? []));
    const expected = Object.values(METRICS).filter((m) => m.emitter === "telemetry-ingest" && m.dimensions.length === 2);
    expect([...names].sort()).toEqual(expected.map((m) => m.name).sort());
  });

  test("EMF: a minute CloudWatch would drop (older than 14 days) is stored but not published, and the batch log counts it", async () => {
    h.lines.length = 0;
    // 15 days before NOW: outside CloudWatch's window, inside the magnetic store's retention.
    const old = new Date(NOW - 15 * 86_400_000 - 30_000).toISOString();
    const out = await h.handler(event([snapshotFor(14, old, { clusters: ["train-a"] })]));
    expect(out.batchItemFailures).toEqual([]);
    expect(emfBlobs(h.lines).filter((b) => b.Cluster !== undefined)).toEqual([]);
    expect(h.lines.find((l) => l.event === "fleetwatch.ingest_batch")).toMatchObject({ aggregatesOutsideCloudWatchWindow: 1 });
  });

  test("the CloudWatch metric count does not grow with GPUs or BMCs", async () => {
    await h.handler(event([snapshotFor(12, AT, { gpusPerBmc: 1 })]));
    const small = distinctMetrics(h.lines);
    h.lines.length = 0;
    await h.handler(event(Array.from({ length: 60 }, (_, i) => snapshotFor(100 + i, AT, { gpusPerBmc: 16 }))));
    expect(distinctMetrics(h.lines)).toEqual(small);
  });

  test("per-GPU detail goes to structured log lines naming cluster, bmc and gpu", async () => {
    const hot = snapshotFor(13, AT);
    const first = hot.components[0];
    if (first?.kind === "gpu")
      Object.assign(first, { temperatureC: 90, throttled: true, throttleReasons: ["HwThermalSlowdown"], eccUncorrectable: 2 });
    await h.handler(event([hot]));
    const line = h.lines.find((l) => l.event === "fleetwatch.gpu" && l.gpu === first?.id);
    expect(line).toMatchObject({
      message: "fleetwatch.gpu",
      cluster: hot.cluster,
      bmc: hot.bmc,
      temperatureC: 90,
      temperatureLevel: "critical",
      throttled: true,
      eccUncorrectable: 2,
      // First sighting in this container: the baseline, not news (see FleetState.observeEcc).
      eccUncorrectableNew: false,
    });
    expect(h.lines.find((l) => l.event === "fleetwatch.snapshot" && l.bmc === hot.bmc)).toMatchObject({
      gpuTemperatureMaxC: 90,
      hottestGpu: first?.id,
    });
  });
});

describe("the exported Lambda handler (settings from the environment the construct sets)", () => {
  test("fails loudly, naming the setting, when the environment is incomplete", async () => {
    const { handler } = await import("../../lambdas/telemetry-ingest/handler");
    const saved = { ...process.env };
    try {
      delete process.env.TIMESTREAM_DATABASE;
      await expect(handler(event([snapshotFor(20, AT)]))).rejects.toThrow(/TIMESTREAM_DATABASE/);
    } finally {
      process.env = saved;
    }
  });

  test("writes to Timestream and dead-letters to SQS with nothing but environment variables", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      FLEETWATCH_ENV: "dev",
      TIMESTREAM_DATABASE: DATABASE,
      TIMESTREAM_TABLE_COMPONENTS: "components",
      TIMESTREAM_TABLE_SNAPSHOTS: "snapshots",
      DEAD_LETTER_QUEUE_URL: h.sqs.queueUrl,
      GPU_TEMPERATURE_WARN_C: "78",
      GPU_TEMPERATURE_CRITICAL_C: "83",
      TIMESTREAM_ENDPOINT: h.timestream.endpoint,
      // The SDK's standard per-service endpoint variable points the SQS client at the local queue.
      AWS_ENDPOINT_URL_SQS: h.sqs.endpoint,
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKIDLOCAL",
      AWS_SECRET_ACCESS_KEY: "local",
      POWERTOOLS_LOG_LEVEL: "SILENT",
      POWERTOOLS_METRICS_DISABLED: "true",
    });
    try {
      const { handler } = await import("../../lambdas/telemetry-ingest/handler");
      const out = await handler(event([snapshotFor(21, AT), "garbage"]));
      expect(out.batchItemFailures).toEqual([]);
      expect(h.timestream.records(DATABASE, "snapshots").map((r) => r.dimensions.bmc)).toEqual([snapshotFor(21, AT).bmc]);
      expect(letters().map((l) => l.stage)).toEqual(["decode"]);
    } finally {
      process.env = saved;
    }
  });
});
