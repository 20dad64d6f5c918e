/** The incident recorder's environment, validated once on cold start. */
import { z } from "zod";

const Settings = z.object({
  FLEETWATCH_ENV: z.string().min(1),
  INCIDENT_TABLE: z.string().min(1, "INCIDENT_TABLE: the DynamoDB table of open incidents (set by lib/incidents)"),
  FLAP_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(900),
});
export type RecorderSettings = z.infer<typeof Settings>;

export function readSettings(env: NodeJS.ProcessEnv = process.env): RecorderSettings {
  const result = Settings.safeParse(env);
  if (!result.success) {
    throw new Error(`incident-recorder settings: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return result.data;
}
