/**
 * Loads config/<env>.json and validates it. A bad value throws ConfigError whose message names
 * each bad field by its JSON path and says what is allowed, so `cdk synth` fails readably.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { z } from "zod";
import { type EnvironmentConfig, EnvironmentConfigSchema } from "./schema";

/** config/ in the repository; FLEETWATCH_CONFIG_DIR points elsewhere (tests, a private config repo). */
export const CONFIG_DIR = process.env.FLEETWATCH_CONFIG_DIR ?? resolve(import.meta.dirname, "..", "..", "config");

export class ConfigError extends Error {
  override name = "ConfigError";
}

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

export function availableEnvironments(dir = CONFIG_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Read and validate config/<envName>.json. */
export function loadConfig(envName: string, dir = CONFIG_DIR): EnvironmentConfig {
  if (!/^[a-z][a-z0-9-]*$/.test(envName))
    throw new ConfigError(`-c env=${envName}: environment names are lower-case letters, digits and '-'`);
  const file = join(dir, `${envName}.json`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new ConfigError(`-c env=${envName}: no ${file}. Available environments: ${availableEnvironments(dir).join(", ")}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const config = parseConfig(raw, file);
  if (config.name !== envName) throw new ConfigError(`${file}: name "${config.name}" must equal the file name "${envName}"`);
  return config;
}
