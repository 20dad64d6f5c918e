/**
 * BMC credentials from Secrets Manager at run time ({"username","password"} JSON), cached by
 * Powertools Parameters across warm invocations. The value is never logged; a bad secret is
 * reported by name only.
 */
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import type { Credentials } from "./redfish-client";

const CACHE_SECONDS = 300;

export function parseCredentials(secretName: string, raw: unknown): Credentials {
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new Error(`secret ${secretName} is not JSON {"username": ..., "password": ...}`);
    }
  }
  const v = value as { username?: unknown; password?: unknown };
  if (typeof v?.username !== "string" || typeof v?.password !== "string" || !v.username || !v.password) {
    throw new Error(`secret ${secretName} must be JSON with non-empty "username" and "password" strings`);
  }
  return { username: v.username, password: v.password };
}

export async function loadCredentials(secretName: string): Promise<Credentials> {
  const raw = await getSecret(secretName, { maxAge: CACHE_SECONDS });
  return parseCredentials(secretName, raw);
}
