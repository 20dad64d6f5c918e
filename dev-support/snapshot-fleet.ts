/**
 * Poller-shaped BMC snapshots for tests and the benchmark: an HGX-like node (8 GPUs, fans,
 * inlet/exhaust temperatures, PSUs, chassis) per BMC, following the contract in
 * core/snapshot.ts. Deterministic for a given seed.
 */
import type { BmcSnapshot, Component } from "../core/snapshot";
import { uniformFrom } from "./random";

export interface FleetShape {
  readonly environment?: string;
  readonly clusters?: readonly string[];
  readonly gpusPerBmc?: number;
  readonly fansPerBmc?: number;
  /** Inlet temperature, PSU and chassis records too (default true). */
  readonly extras?: boolean;
}

/** Uniform draws from the tools' one seeded PRNG (random.ts), so a seed reproduces a fleet. */
export function random(seed: number): () => number {
  return uniformFrom(seed);
}

export function bmcAddress(index: number): string {
  return `10.${64 + Math.floor(index / 62500)}.${Math.floor(index / 250) % 250}.${10 + (index % 250)}`;
}

export function snapshotFor(index: number, collectedAt: string, shape: FleetShape = {}, rnd: () => number = random(index)): BmcSnapshot {
  const clusters = shape.clusters ?? ["train-a"];
  const gpus = shape.gpusPerBmc ?? 8;
  const fans = shape.fansPerBmc ?? 6;
  const components: Component[] = [];
  for (let g = 1; g <= gpus; g++) {
    const temperatureC = Math.round(50 + rnd() * 40);
    const throttled = temperatureC > 86;
    components.push({
      kind: "gpu",
      id: `GPU_SXM_${g}`,
      system: "HGX_Baseboard_0",
      name: "NVIDIA B200",
      health: "OK",
      temperatureC,
      powerW: Math.round(400 + rnd() * 600),
      powerLimitW: 1000,
      throttled,
      throttleReasons: throttled ? ["HwThermalSlowdown"] : [],
      eccCorrectable: Math.floor(rnd() * 3),
      eccUncorrectable: 0,
    });
  }
  for (let f = 1; f <= fans; f++) {
    const failed = rnd() < 0.01;
    components.push({
      kind: "fan",
      id: `Fan${f}`,
      health: failed ? "Critical" : "OK",
      rpm: failed ? 0 : 9000,
      percent: failed ? 0 : 60,
      failed,
    });
  }
  if (shape.extras !== false) {
    components.push({ kind: "temperature", id: "Inlet", temperatureC: 22 + Math.round(rnd() * 6), upperCriticalC: 42 });
    components.push({ kind: "psu", id: "PSU1", health: "OK", powerW: 2000 });
    components.push({ kind: "chassis", id: "1", powerW: 3940, powerLimitW: 4500, capped: false });
  }
  return {
    schema: "fleetwatch.bmc-snapshot.v1",
    environment: shape.environment ?? "dev",
    cluster: clusters[index % clusters.length] as string,
    bmc: bmcAddress(index),
    collectedAt,
    durationMs: 800,
    requests: 3,
    status: "ok",
    errors: [],
    components,
  };
}

/** A Kinesis record as Lambda's event source mapping delivers it. */
export function kinesisEventRecord(
  payload: string | Buffer,
  sequenceNumber: string,
  partitionKey: string,
  shardId = "shardId-000000000000",
) {
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey,
      sequenceNumber,
      data: Buffer.from(payload).toString("base64"),
      approximateArrivalTimestamp: 1_700_000_000,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: "arn:aws:iam::111111111111:role/ingest",
    awsRegion: "eu-west-1",
    eventSourceARN: "arn:aws:kinesis:eu-west-1:111111111111:stream/fleetwatch-telemetry",
  };
}
