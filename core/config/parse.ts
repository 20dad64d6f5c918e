/**
 * Validating an environment's configuration: a bad value throws ConfigError whose message names
 * each bad field by its JSON path and says what is allowed, so `cdk synth` fails readably.
 * Pure (no file access): lib/config/load.ts reads the file.
 */
import type { z } from "zod";
import { ConfigError } from "./config-error";
import { type EnvironmentConfig, EnvironmentConfigSchema } from "./schema";

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), "");
}

export function formatIssues(source: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map((issue) => `  - ${formatPath(issue.path) || "(root)"}: ${issue.message}`);
  return `Invalid FleetWatch configuration in ${source}:\n${lines.join("\n")}\nFix the field(s) above; docs/configuration.md describes every field.`;
}

/** Validate an already-parsed config object. */
export function parseConfig(raw: unknown, source = "config"): EnvironmentConfig {
  const result = EnvironmentConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(source, result.error.issues));
  return result.data;
}
