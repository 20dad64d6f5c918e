/**
 * Adapter: reads the BMC snapshots written to the telemetry stream during a time window
 * (GetShardIterator AT_TIMESTAMP, then GetRecords until the window or the stream's tip is
 * reached). Only used on P1 alarms, so the extra read on the shards is rare and short.
 */
import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient, ListShardsCommand } from "@aws-sdk/client-kinesis";
import { type BmcSnapshot, BmcSnapshotSchema } from "../../core/snapshot";

export interface WindowOptions {
  readonly from: Date;
  readonly to: Date;
  /** Stop reading (and use what was read) after this many ms: the page must not wait. */
  readonly budgetMs: number;
  /** Upper bound on snapshots kept. */
  readonly maxSnapshots: number;
  /** Filter early: only this cluster's snapshots are kept. */
  readonly cluster?: string;
  readonly now?: () => number;
}

export async function readSnapshotWindow(client: KinesisClient, streamName: string, options: WindowOptions): Promise<BmcSnapshot[]> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.budgetMs;
  const shards: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }));
    for (const s of page.Shards ?? []) if (s.ShardId) shards.push(s.ShardId);
    nextToken = page.NextToken;
  } while (nextToken);

  const decoder = new TextDecoder();
  const snapshots: BmcSnapshot[] = [];
  await Promise.all(
    shards.map(async (shardId) => {
      const it = await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: "AT_TIMESTAMP",
          Timestamp: options.from,
        }),
      );
      let iterator = it.ShardIterator;
      while (iterator && now() < deadline && snapshots.length < options.maxSnapshots) {
        const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        let pastWindow = false;
        for (const r of page.Records ?? []) {
          if (r.ApproximateArrivalTimestamp && r.ApproximateArrivalTimestamp.getTime() > options.to.getTime()) {
            pastWindow = true;
            break;
          }
          const snapshot = parseSnapshot(decoder.decode(r.Data));
          if (snapshot && (!options.cluster || snapshot.cluster === options.cluster)) snapshots.push(snapshot);
        }
        if (pastWindow || (page.Records ?? []).length === 0 || page.MillisBehindLatest === 0) break;
        iterator = page.NextShardIterator;
      }
    }),
  );
  return snapshots.slice(0, options.maxSnapshots);
}

function parseSnapshot(text: string): BmcSnapshot | undefined {
  try {
    const parsed = BmcSnapshotSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
