/**
 * One scheduled invocation: poll every BMC of one shard, write one snapshot per BMC to Kinesis,
 * publish the poller's health metrics per cluster, and fail the invocation if any snapshot
 * could not be delivered. Dependencies (Kinesis client, secrets, metrics, logger) are injected.
 */
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { Dispatcher } from "undici";
import type { Inventory } from "../../core/contracts/redfish-inventory";
import type { METRICS } from "../../core/metric-registry";
import type { Log } from "../shared/log";
import { putSnapshots, type SinkRecord } from "./kinesis-sink";
import { type BmcMemory, type PolledSnapshot, type PollTarget, pollBmc } from "./poll-bmc";
import type { Credentials } from "./redfish-client";
import { sweep } from "./sweep";

export interface ShardEvent {
  readonly shard: number;
}

export interface MetricSink {
  /** One call per cluster: values keyed by metric key, published with {Environment, Cluster}. */
  cluster(cluster: string, values: Partial<Record<keyof typeof METRICS, number>>): void;
  environment(values: Partial<Record<keyof typeof METRICS, number>>): void;
}

export interface ShardDeps {
  readonly inventory: Inventory;
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly credentials: (secretName: string) => Promise<Credentials>;
  readonly dispatcherFor: (clusterIndex: number) => Dispatcher;
  readonly memory: Map<string, BmcMemory>;
  readonly metrics: MetricSink;
  readonly log: Log;
  /** Milliseconds this invocation may spend polling before it must flush. */
  readonly budgetMs: number;
  readonly now?: () => number;
}

export interface ShardResult {
  readonly polled: number;
  readonly written: number;
  readonly undelivered: number;
  readonly byStatus: Record<string, number>;
}

export class UndeliveredSnapshotsError extends Error {
  override name = "UndeliveredSnapshotsError";
}

export function parseShardEvent(event: unknown, shardCount: number): ShardEvent {
  const shard = (event as { shard?: unknown })?.shard;
  if (typeof shard !== "number" || !Number.isInteger(shard) || shard < 0 || shard >= shardCount) {
    throw new Error(`event.shard must be an integer in [0, ${shardCount - 1}], got ${JSON.stringify(shard)}`);
  }
  return { shard };
}

export async function runShard(event: ShardEvent, deps: ShardDeps): Promise<ShardResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const { inventory } = deps;
  const shard = inventory.shards[event.shard]!;
  const deadline = started + deps.budgetMs;

  // Credentials per cluster, once per invocation (cached across invocations by the loader).
  const creds = new Map<number, Credentials | Error>();
  for (const clusterIndex of new Set(shard.bmcs.map(([c]) => c))) {
    const cluster = inventory.clusters[clusterIndex]!;
    if (cluster.insecureSkipTlsVerify) {
      deps.log.warn("TLS certificate verification is OFF for this cluster (insecureSkipTlsVerify)", { cluster: cluster.name });
    }
    try {
      creds.set(clusterIndex, await deps.credentials(cluster.credentialsSecretName));
    } catch (err) {
      creds.set(clusterIndex, err as Error);
      deps.log.error("cannot read BMC credentials", {
        cluster: cluster.name,
        secretName: cluster.credentialsSecretName,
        reason: (err as Error).message,
      });
    }
  }

  type Target = PollTarget & { clusterIndex: number };
  const targets: Target[] = shard.bmcs.map(([clusterIndex, bmc]) => {
    const cluster = inventory.clusters[clusterIndex]!;
    const c = creds.get(clusterIndex);
    return {
      environment: inventory.environment,
      cluster: cluster.name,
      bmc,
      auth: cluster.auth,
      credentials: c instanceof Error ? undefined : c,
      clusterIndex,
    };
  });

  const snapshots = await sweep(
    targets,
    async (target) => {
      const key = `${target.cluster}|${target.bmc}`;
      let memory = deps.memory.get(key);
      if (!memory) {
        memory = {};
        deps.memory.set(key, memory);
      }
      return pollBmc(
        target,
        {
          dispatcher: deps.dispatcherFor(target.clusterIndex),
          requestTimeoutMs: inventory.requestTimeoutMs,
          deadline,
          gpuHotC: inventory.gpuTemperatureCriticalC,
        },
        memory,
      );
    },
    { concurrency: inventory.concurrency },
  );

  const records: SinkRecord[] = snapshots.map((s) => {
    const { problems: _p, discovered: _d, ...snapshot } = s;
    return { partitionKey: s.bmc, data: Buffer.from(JSON.stringify({ ...snapshot, problems: s.problems })) };
  });
  const sink = await putSnapshots(deps.kinesis, deps.streamName, records);
  const sweepMs = now() - started;

  const byStatus: Record<string, number> = {};
  for (const s of snapshots) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
  for (const [cluster, group] of groupBy(snapshots, (s) => s.cluster)) {
    deps.metrics.cluster(cluster, {
      pollerBmcsPolled: group.length,
      pollerBmcsUnreachable: group.filter((s) => s.status === "unreachable").length,
      pollerAuthFailures: group.filter((s) => s.status === "auth_failed").length,
      pollerRequests: group.reduce((a, s) => a + s.requests, 0),
      pollerSweepDurationMs: sweepMs,
    });
  }
  deps.metrics.environment({
    pollerSnapshotsUndelivered: sink.failed.length,
    pollerBmcsPolledInEnvironment: snapshots.length,
    pollerBmcsUnreachableInEnvironment: snapshots.filter((s) => s.status === "unreachable").length,
  });
  for (const s of snapshots) {
    if (s.status !== "ok")
      deps.log.warn("BMC poll not ok", { cluster: s.cluster, bmc: s.bmc, status: s.status, errors: s.errors, requests: s.requests });
  }
  deps.log.info("shard swept", {
    shard: event.shard,
    bmcs: snapshots.length,
    byStatus,
    sweepMs,
    written: sink.written,
    undelivered: sink.failed.length,
  });
  if (sink.failed.length) {
    throw new UndeliveredSnapshotsError(
      `${sink.failed.length} of ${records.length} snapshots could not be written to Kinesis: ${sink.failed
        .slice(0, 5)
        .map((f) => `${f.partitionKey} (${f.error})`)
        .join(", ")}`,
    );
  }
  return { polled: snapshots.length, written: sink.written, undelivered: 0, byStatus };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k) ?? [];
    list.push(item);
    out.set(k, list);
  }
  return out;
}

export type { PolledSnapshot };
