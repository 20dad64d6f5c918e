/**
 * redfish-poller Lambda entry: EventBridge Scheduler invokes it with {"shard": n} every minute,
 * once per shard. The inventory (endpoints, cluster settings, CA bundles; no secrets) is
 * bundled next to this file as inventory.json at synth time.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Logger } from "@aws-lambda-powertools/logger";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import type { Context } from "aws-lambda";
import type { Agent } from "undici";
import { z } from "zod";
import { type Inventory, InventorySchema } from "../../core/contracts/redfish-inventory";
import { readEnvironment } from "../shared/environment";
import { powertoolsLog } from "../shared/log";
import { loadCredentials } from "./credentials";
import { emfMetricSink } from "./emf-metric-sink";
import type { BmcMemory } from "./poll-bmc";
import { createBmcAgent } from "./redfish-client";
import { parseShardEvent, runShard, type ShardResult } from "./run-shard";

/** Set by lib/redfish/redfish-poller.ts; FLEETWATCH_INVENTORY_FILE only for local runs. */
const env = readEnvironment(
  "redfish-poller",
  z.object({
    STREAM_NAME: z.string().min(1, "the telemetry stream's name"),
    FLEETWATCH_INVENTORY_FILE: z.string().min(1).optional(),
  }),
);
const logger = new Logger();
const kinesis = new KinesisClient({});
const memory = new Map<string, BmcMemory>();
const agents = new Map<number, Agent>();
let inventory: Inventory | undefined;

function loadInventory(): Inventory {
  if (!inventory) {
    const file = env.FLEETWATCH_INVENTORY_FILE ?? join(dirname(fileURLToPath(import.meta.url)), "inventory.json");
    inventory = InventorySchema.parse(JSON.parse(readFileSync(file, "utf8")));
  }
  return inventory;
}

export async function handler(event: unknown, context?: Context): Promise<ShardResult> {
  const inv = loadInventory();
  const { shard } = parseShardEvent(event, inv.shards.length);
  const remaining = context?.getRemainingTimeInMillis?.() ?? inv.intervalSeconds * 1000;
  // Leave time to flush to Kinesis, and never run into the next minute's sweep.
  const budgetMs = Math.max(1_000, Math.min(remaining - 10_000, inv.intervalSeconds * 1000 - 8_000));
  return runShard(
    { shard },
    {
      inventory: inv,
      kinesis,
      streamName: env.STREAM_NAME,
      credentials: loadCredentials,
      dispatcherFor: (index) => {
        let agent = agents.get(index);
        if (!agent) {
          const cluster = inv.clusters[index]!;
          agent = createBmcAgent({ ca: cluster.caBundle, insecureSkipTlsVerify: cluster.insecureSkipTlsVerify });
          agents.set(index, agent);
        }
        return agent;
      },
      memory,
      metrics: emfMetricSink(inv.environment),
      log: powertoolsLog(logger),
      budgetMs,
    },
  );
}
