/**
 * The BMC inventory of one environment: configured endpoints expanded (IPv4 ranges) and cut
 * into shards of `shardSize`. Computed at synth time and bundled into the poller as
 * inventory.json; each schedule passes only its shard number. Pure module (zod only).
 */
import { z } from "zod";

export const ClusterInventorySchema = z.object({
  name: z.string(),
  credentialsSecretName: z.string(),
  auth: z.enum(["basic", "session"]),
  insecureSkipTlsVerify: z.boolean(),
  /** PEM text of the cluster's CA bundle (public certificates only). */
  caBundle: z.string().optional(),
});

export const ShardSchema = z.object({
  /** [cluster index, BMC endpoint] pairs. */
  bmcs: z.array(z.tuple([z.number().int().nonnegative(), z.string()])),
});

export const InventorySchema = z.object({
  environment: z.string(),
  requestTimeoutMs: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  intervalSeconds: z.number().int().positive(),
  /** The environment's resolved gpu-temperature critical level (°C): a GPU above it is listed in the snapshot's problems. */
  gpuTemperatureCriticalC: z.number().finite(),
  clusters: z.array(ClusterInventorySchema),
  shards: z.array(ShardSchema),
});

export type Inventory = z.infer<typeof InventorySchema>;
export type ClusterInventory = z.infer<typeof ClusterInventorySchema>;

function ipv4(text: string): number[] | undefined {
  const parts = text.split(".").map(Number);
  return parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255) ? parts : undefined;
}

/** "10.1.2.10-10.1.2.40" -> 31 addresses; anything else -> itself. Throws (naming the entry) on a bad range. */
export function expandEndpoint(entry: string): string[] {
  const m = /^((?:\d{1,3}\.){3}\d{1,3})-((?:\d{1,3}\.){3}\d{1,3})$/.exec(entry);
  if (!m) return [entry];
  const from = ipv4(m[1]!);
  const to = ipv4(m[2]!);
  if (!from || !to) throw new Error(`BMC range "${entry}": not two IPv4 addresses`);
  if (from.slice(0, 3).join(".") !== to.slice(0, 3).join("."))
    throw new Error(`BMC range "${entry}": both ends must share the first three octets`);
  if (to[3]! < from[3]!) throw new Error(`BMC range "${entry}": the end is before the start`);
  const prefix = from.slice(0, 3).join(".");
  return Array.from({ length: to[3]! - from[3]! + 1 }, (_, i) => `${prefix}.${from[3]! + i}`);
}

export interface InventoryInput {
  readonly environment: string;
  readonly shardSize: number;
  readonly requestTimeoutMs: number;
  readonly concurrency: number;
  readonly intervalSeconds: number;
  /** From core/catalog/gpu-temperature-thresholds.ts, with the environment's overrides. */
  readonly gpuTemperatureCriticalC: number;
  readonly clusters: readonly (Omit<ClusterInventory, "caBundle"> & { bmcs: readonly string[]; caBundle?: string })[];
}

export function buildInventory(input: InventoryInput): Inventory {
  const all: [number, string][] = [];
  const seen = new Map<string, string>();
  input.clusters.forEach((cluster, index) => {
    for (const entry of cluster.bmcs) {
      for (const bmc of expandEndpoint(entry)) {
        const other = seen.get(bmc);
        if (other) throw new Error(`BMC ${bmc} is listed twice (clusters "${other}" and "${cluster.name}")`);
        seen.set(bmc, cluster.name);
        all.push([index, bmc]);
      }
    }
  });
  const shards = [];
  for (let i = 0; i < all.length; i += input.shardSize) shards.push({ bmcs: all.slice(i, i + input.shardSize) });
  return {
    environment: input.environment,
    requestTimeoutMs: input.requestTimeoutMs,
    concurrency: input.concurrency,
    intervalSeconds: input.intervalSeconds,
    gpuTemperatureCriticalC: input.gpuTemperatureCriticalC,
    clusters: input.clusters.map(({ bmcs: _bmcs, ...rest }) => rest),
    shards,
  };
}
