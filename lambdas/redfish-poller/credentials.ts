/**
 * BMC credentials from Secrets Manager at run time ({"username","password"} JSON), cached by
 * Powertools Parameters across warm invocations. The value is never logged; a bad secret is
 * reported by name and missing field only (lambdas/shared/json-secret.ts).
 */
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { z } from "zod";
import { parseJsonSecret, SECRET_MAX_AGE_SECONDS } from "../shared/json-secret";
import type { Credentials } from "./redfish-client";

const CredentialsSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

export async function loadCredentials(secretName: string): Promise<Credentials> {
  const raw = await getSecret(secretName, { maxAge: SECRET_MAX_AGE_SECONDS });
  return parseJsonSecret(secretName, raw, CredentialsSchema, '{"username","password"}');
}
