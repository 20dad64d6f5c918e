/**
 * Loads config/<env>.json and validates it with core/config/parse.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "../../core/config/config-error";
import { parseConfig } from "../../core/config/parse";
import type { EnvironmentConfig } from "../../core/config/schema";

/** config/ in the repository; FLEETWATCH_CONFIG_DIR points elsewhere (tests, a private config repo). */
export const CONFIG_DIR = process.env.FLEETWATCH_CONFIG_DIR ?? resolve(import.meta.dirname, "..", "..", "config");

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
