/**
 * The ingest's settings, from the environment the TelemetryPipeline construct sets.
 * Validated once per container; a missing or malformed value fails loudly at cold start.
 * TELEMETRY_STORE defaults to Timestream for LiveAnalytics: that environment's template has
 * stayed exactly as it was before the store became a choice.
 */
import { z } from "zod";
import { POWER_CAP_MARGIN_PERCENT, SNAPSHOT_STALE_AFTER_SECONDS } from "../../core/constants";
import { type Environment, readEnvironment } from "../shared/environment";

const VariablesSchema = z.object({
  FLEETWATCH_ENV: z.string().min(1),
  TELEMETRY_STORE: z.enum(["timestream-liveanalytics", "influxdb", "none"]).default("timestream-liveanalytics"),
  TIMESTREAM_DATABASE: z.string().min(3).optional(),
  TIMESTREAM_TABLE_COMPONENTS: z.string().min(3).optional(),
  TIMESTREAM_TABLE_SNAPSHOTS: z.string().min(3).optional(),
  DEAD_LETTER_QUEUE_URL: z.url(),
  GPU_TEMPERATURE_WARN_C: z.coerce.number().finite(),
  GPU_TEMPERATURE_CRITICAL_C: z.coerce.number().finite(),
  STALE_AFTER_SECONDS: z.coerce.number().int().positive().default(SNAPSHOT_STALE_AFTER_SECONDS),
  POWER_CAP_MARGIN_PERCENT: z.coerce.number().min(0).max(100).default(POWER_CAP_MARGIN_PERCENT),
  TIMESTREAM_WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Only for local runs against a Timestream-compatible test server. */
  TIMESTREAM_ENDPOINT: z.url().optional(),
  INFLUX_URL: z.url().optional(),
  INFLUX_ORG: z.string().min(1).optional(),
  INFLUX_BUCKET: z.string().min(1).optional(),
  /** Secrets Manager name or ARN of the write token (the token itself never sits in the environment). */
  INFLUX_TOKEN_SECRET: z.string().min(1).optional(),
  INFLUX_WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
});

/** What each store needs besides the common settings. */
const REQUIRED_BY_STORE = {
  "timestream-liveanalytics": ["TIMESTREAM_DATABASE", "TIMESTREAM_TABLE_COMPONENTS", "TIMESTREAM_TABLE_SNAPSHOTS"],
  influxdb: ["INFLUX_URL", "INFLUX_ORG", "INFLUX_BUCKET", "INFLUX_TOKEN_SECRET"],
  none: [],
} as const;

// Checked even when other variables are wrong (`when`), so one cold start names every problem.
const SettingsSchema = VariablesSchema.superRefine(
  (settings, ctx) => {
    const store = (settings.TELEMETRY_STORE ?? "timestream-liveanalytics") as keyof typeof REQUIRED_BY_STORE;
    for (const key of REQUIRED_BY_STORE[store] ?? []) {
      if (!settings[key]) ctx.addIssue({ code: "custom", path: [key], message: `required when TELEMETRY_STORE is ${store}` });
    }
  },
  { when: () => true },
);

export type Settings = z.infer<typeof SettingsSchema>;

export function readSettings(env: Environment): Settings {
  return readEnvironment("telemetry-ingest", SettingsSchema, env);
}
