/**
 * The ingest's settings, from the environment the TelemetryPipeline construct sets.
 * Validated once per container; a missing or malformed value fails loudly at cold start.
 */
import { z } from "zod";

const SettingsSchema = z.object({
  FLEETWATCH_ENV: z.string().min(1),
  TIMESTREAM_DATABASE: z.string().min(3),
  TIMESTREAM_TABLE_COMPONENTS: z.string().min(3),
  TIMESTREAM_TABLE_SNAPSHOTS: z.string().min(3),
  DEAD_LETTER_QUEUE_URL: z.url(),
  GPU_TEMPERATURE_WARN_C: z.coerce.number().finite(),
  GPU_TEMPERATURE_CRITICAL_C: z.coerce.number().finite(),
  STALE_AFTER_SECONDS: z.coerce.number().int().positive().default(300),
  POWER_CAP_MARGIN_PERCENT: z.coerce.number().min(0).max(100).default(5),
  TIMESTREAM_WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Only for local runs against a Timestream-compatible test server. */
  TIMESTREAM_ENDPOINT: z.url().optional(),
});

export type Settings = z.infer<typeof SettingsSchema>;

export function readSettings(env: Record<string, string | undefined>): Settings {
  const parsed = SettingsSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`telemetry-ingest settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}
