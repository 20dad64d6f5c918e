/** The incident recorder's environment, validated once on cold start. */
import { z } from "zod";
import { type Environment, readEnvironment } from "../shared/environment";

const Settings = z.object({
  FLEETWATCH_ENV: z.string().min(1),
  INCIDENT_TABLE: z.string().min(1, "INCIDENT_TABLE: the DynamoDB table of open incidents (set by lib/incidents)"),
  FLAP_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(900),
});
export type RecorderSettings = z.infer<typeof Settings>;

export function readSettings(env: Environment = process.env): RecorderSettings {
  return readEnvironment("incident-recorder", Settings, env);
}
