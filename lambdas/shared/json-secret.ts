/**
 * A secret whose value is a JSON document (read through Powertools Parameters by the caller),
 * checked against a zod schema. Errors name the secret, the expected shape and the missing
 * fields, never a value: zod's own messages could echo one.
 */
import type { z } from "zod";

export class SecretError extends Error {
  override name = "SecretError";
}

/** Five minutes: a rotated secret is picked up without a cold start. */
export const SECRET_MAX_AGE_SECONDS = 300;

/** `shape` is what to store, for the error: '{"username","password"}'. */
export function parseJsonSecret<S extends z.ZodType>(secretName: string, raw: unknown, schema: S, shape: string): z.output<S> {
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new SecretError(`Secrets Manager secret ${secretName} is not JSON: store ${shape}`);
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const missing = [...new Set(result.error.issues.map((i) => i.path.join(".") || "(value)"))].join(", ");
    throw new SecretError(`Secrets Manager secret ${secretName} must be JSON ${shape}; missing or empty: ${missing}`);
  }
  return result.data;
}
