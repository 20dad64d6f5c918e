/**
 * The Redfish poller's measured sweep, read from bench/results/poller.json (the last figures
 * recorded from `npm run bench:poller`), so the cost model's Lambda duration is a measurement,
 * not a guess. Validated: a missing or malformed file names the field and how to fix it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export const POLLER_BENCH_FILE = join(import.meta.dirname, "..", "bench", "results", "poller.json");

const PollerBenchSchema = z.object({
  recordedFrom: z.literal("npm run bench:poller"),
  lastLine: z.string().startsWith("bench:poller "),
  bmcs: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  sweepSeconds: z.number().positive(),
});

export interface MeasuredSweep {
  readonly bmcs: number;
  readonly concurrency: number;
  readonly sweepSeconds: number;
  readonly file: string;
}

export function readMeasuredSweep(file = POLLER_BENCH_FILE): MeasuredSweep {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(
      `${file}: cannot read the recorded poller benchmark (${(err as Error).message}); run npm run bench:poller and record its figures there`,
    );
  }
  const parsed = PollerBenchSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${file}: field ${issue?.path.join(".") || "(root)"}: ${issue?.message}; record the figures of npm run bench:poller's last line there`,
    );
  }
  return { bmcs: parsed.data.bmcs, concurrency: parsed.data.concurrency, sweepSeconds: parsed.data.sweepSeconds, file };
}

/** One shard's sweep at the benchmark's concurrency: the benchmark's time per BMC times the shard size. */
export function shardSweepSeconds(measured: MeasuredSweep, shardBmcs: number): number {
  return (measured.sweepSeconds * shardBmcs) / measured.bmcs;
}
