/**
 * npm run bench:ingest — the telemetry-ingest numbers the issue asks for. Last line:
 * bench:ingest components_per_s=<n> write_units_per_gpu_sample=<u> writerecords_per_1000_snapshots=<n> cw_metrics_at_100_gpus=<n> cw_metrics_at_10000_gpus=<n> influx_lines_per_s=<n> influx_bytes_per_gpu_sample=<n>
 *
 * - components_per_s: the pure transform (base64 + JSON + contract validation, dedupe, record
 *   shaping, size check, WriteRecords batching, aggregates) on this one thread, HGX snapshots.
 * - write_units_per_gpu_sample: 1 KiB write units of the largest GPU record (metered per record,
 *   rounded up: the conservative reading of Timestream's 1 KB write unit).
 * - writerecords_per_1000_snapshots: WriteRecords calls the real sink makes for 1000 HGX
 *   snapshots, counted by the local Timestream Write server.
 * - cw_metrics_at_*_gpus: distinct CloudWatch metrics (name + dimensions) in the EMF the handler
 *   prints for a fleet of that many GPUs, two clusters each.
 * - influx_lines_per_s: the InfluxDB sink end to end on this one thread: points -> line protocol
 *   (InfluxData's Point) -> gzip -> HTTP -> the local InfluxDB v2 write endpoint, which parses
 *   and stores every line in the same process (so this is a lower bound for the ingest's share).
 *   HGX snapshots in ingest-sized batches of 500 (9,000 lines: two requests of <= 5,000).
 * - influx_bytes_per_gpu_sample: gzip bytes on the wire (request bodies as received) for those
 *   snapshots divided by their GPU samples: every line of a snapshot (fans, PSUs, poll) is
 *   charged to its 8 GPUs.
 */
import type { KinesisStreamEvent } from "aws-lambda";
import { gpuTemperatureThresholds } from "../core/catalog/gpu-temperature-thresholds";
import { POWER_CAP_MARGIN_PERCENT, SNAPSHOT_STALE_AFTER_SECONDS } from "../core/constants";
import { startInfluxWriteServer } from "../dev-support/influx-write-server";
import { kinesisEventRecord, snapshotFor } from "../dev-support/snapshot-fleet";
import { distinctMetrics, startHarness } from "../dev-support/telemetry-harness";
import { assessSnapshots, FleetState } from "../lambdas/telemetry-ingest/aggregates";
import { decodeSnapshot, type StreamRecord } from "../lambdas/telemetry-ingest/decode";
import { dedupeSnapshots } from "../lambdas/telemetry-ingest/dedupe";
import { InfluxSink } from "../lambdas/telemetry-ingest/influx-sink";
import { buildWriteRequests, oversizeReason, pointBytes, shapeSnapshot } from "../lambdas/telemetry-ingest/records";

const options = {
  gpuTemperature: gpuTemperatureThresholds({ thresholds: {} }),
  staleAfterMs: SNAPSHOT_STALE_AFTER_SECONDS * 1000,
  powerCapMargin: POWER_CAP_MARGIN_PERCENT / 100,
};
const AT = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).toISOString();

function streamRecords(count: number, offset = 0): StreamRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const s = snapshotFor(offset + i, AT, { clusters: ["train-a", "infer-b"] });
    return {
      sequenceNumber: String(i),
      partitionKey: s.bmc,
      data: Buffer.from(JSON.stringify(s)).toString("base64"),
      shardId: "shardId-0",
      approximateArrivalTimestamp: 0,
    };
  });
}

function transform(batch: readonly StreamRecord[], state: FleetState): number {
  const decoded = batch.map(decodeSnapshot);
  const good = decoded.filter((d): d is Extract<typeof d, { ok: true }> => d.ok);
  const { unique } = dedupeSnapshots(good);
  const points = unique.flatMap((u, i) => shapeSnapshot(u.snapshot, i)).filter((p) => oversizeReason(p) === undefined);
  buildWriteRequests(points);
  assessSnapshots(
    unique.map((u) => u.snapshot),
    state,
    options,
  );
  return unique.reduce((n, u) => n + u.snapshot.components.length, 0);
}

function componentsPerSecond(): number {
  const batches = Array.from({ length: 40 }, (_, b) => streamRecords(500, b * 500));
  const state = new FleetState();
  for (const b of batches.slice(0, 4)) transform(b, state); // warm-up
  const start = process.hrtime.bigint();
  let components = 0;
  for (const b of batches) components += transform(b, state);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round(components / seconds);
}

function writeUnitsPerGpuSample(): { units: number; maxBytes: number; meanBytes: number } {
  const gpuPoints = Array.from({ length: 200 }, (_, i) => shapeSnapshot(snapshotFor(i, AT), i))
    .flat()
    .filter((p) => p.measureName === "gpu");
  const sizes = gpuPoints.map(pointBytes);
  const maxBytes = Math.max(...sizes);
  return { units: Math.ceil(maxBytes / 1024), maxBytes, meanBytes: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length) };
}

async function writeRecordsPer1000Snapshots(): Promise<number> {
  const h = await startHarness({ keepLines: false });
  try {
    const event: KinesisStreamEvent = {
      Records: Array.from({ length: 1000 }, (_, i) =>
        kinesisEventRecord(JSON.stringify(snapshotFor(i, AT, { clusters: ["train-a"] })), String(i), `pk-${i}`),
      ),
    };
    for (let i = 0; i < 1000; i += 500) {
      const out = await h.handler({ Records: event.Records.slice(i, i + 500) });
      if (out.batchItemFailures.length > 0) throw new Error("bench: writes failed");
    }
    return h.timestream.stats.writeRequests;
  } finally {
    await h.close();
  }
}

async function cloudWatchMetricsAt(gpus: number): Promise<number> {
  const h = await startHarness();
  try {
    const gpusPerBmc = 8;
    const bmcs = Math.ceil(gpus / gpusPerBmc);
    const records = Array.from({ length: bmcs }, (_, i) => {
      const s = snapshotFor(i, AT, { clusters: ["train-a", "infer-b"], gpusPerBmc: Math.min(gpusPerBmc, gpus - i * gpusPerBmc) });
      return kinesisEventRecord(JSON.stringify(s), String(i), s.bmc);
    });
    for (let i = 0; i < records.length; i += 500) await h.handler({ Records: records.slice(i, i + 500) });
    return distinctMetrics(h.lines).size;
  } finally {
    await h.close();
  }
}

async function influxSink(): Promise<{ linesPerSecond: number; bytesPerGpuSample: number; requests: number }> {
  const auth = { token: "bench-token", org: "fleetwatch", bucket: "gpu-telemetry" };
  const server = await startInfluxWriteServer(auth);
  try {
    const sink = new InfluxSink({ url: server.url, ...auth, retry: { maxAttempts: 1, delayMs: () => 0, maxRetryAfterMs: 0 } });
    const batches = Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: 500 }, (_, i) => shapeSnapshot(snapshotFor(b * 500 + i, AT, { clusters: ["train-a", "infer-b"] }), i)).flat(),
    );
    await sink.write(batches[0] ?? []); // warm-up (JIT, keep-alive connection)
    const before = { bytes: server.stats.bytesOnWire, requests: server.stats.requests };
    const measured = batches.slice(1);
    const start = process.hrtime.bigint();
    let lines = 0;
    for (const points of measured) {
      const r = await sink.write(points);
      if (r.failed.length > 0 || r.rejected.length > 0) throw new Error("bench: influx writes failed");
      lines += r.written;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const gpuSamples = measured.flat().filter((p) => p.measureName === "gpu").length;
    return {
      linesPerSecond: Math.round(lines / seconds),
      bytesPerGpuSample: Math.round((server.stats.bytesOnWire - before.bytes) / gpuSamples),
      requests: server.stats.requests - before.requests,
    };
  } finally {
    await server.close();
  }
}

const cps = componentsPerSecond();
const units = writeUnitsPerGpuSample();
const writes = await writeRecordsPer1000Snapshots();
const at100 = await cloudWatchMetricsAt(100);
const at10000 = await cloudWatchMetricsAt(10_000);
const influx = await influxSink();

console.log(`transform: ${cps} components/s on one thread (target >= 100000: ${cps >= 100_000 ? "met" : "MISSED"})`);
console.log(
  `GPU record: max ${units.maxBytes} B, mean ${units.meanBytes} B -> ${units.units} write unit(s) (target <= 1: ${units.units <= 1 ? "met" : "MISSED"})`,
);
console.log(`1000 HGX snapshots (8 GPUs, 6 fans, 3 more components each) -> ${writes} WriteRecords calls`);
console.log(`CloudWatch metrics: ${at100} at 100 GPUs, ${at10000} at 10000 GPUs (target: equal: ${at100 === at10000 ? "met" : "MISSED"})`);
console.log(
  `InfluxDB sink: ${influx.linesPerSecond} lines/s end to end on one thread, ${influx.bytesPerGpuSample} gzip bytes on the wire per GPU sample, ${influx.requests} write requests for 2,500 HGX snapshots`,
);
console.log(
  `bench:ingest components_per_s=${cps} write_units_per_gpu_sample=${units.units} writerecords_per_1000_snapshots=${writes} cw_metrics_at_100_gpus=${at100} cw_metrics_at_10000_gpus=${at10000} influx_lines_per_s=${influx.linesPerSecond} influx_bytes_per_gpu_sample=${influx.bytesPerGpuSample}`,
);
