/**
 * The service principal from Secrets Manager through Powertools Parameters (cached across warm
 * invocations). Errors name the secret and the missing field, never the value.
 */
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import type { SecretsManagerClientConfig } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";

export const ServicePrincipalSchema = z.object({
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});
export type ServicePrincipal = z.infer<typeof ServicePrincipalSchema>;

export class SecretError extends Error {
  override name = "SecretError";
}

/** Five minutes: a rotated secret is picked up without a cold start. */
export const SECRET_MAX_AGE_SECONDS = 300;

export class ServicePrincipalSource {
  private readonly provider: SecretsProvider;
  constructor(
    private readonly secretName: string,
    clientConfig?: SecretsManagerClientConfig,
  ) {
    this.provider = new SecretsProvider(clientConfig ? { clientConfig } : {});
  }

  async get(): Promise<ServicePrincipal> {
    let raw: unknown;
    try {
      raw = await this.provider.get(this.secretName, { maxAge: SECRET_MAX_AGE_SECONDS });
    } catch (err) {
      // The SDK error says what went wrong (not found, access denied); it never contains the value.
      throw new SecretError(`cannot read Secrets Manager secret ${this.secretName}: ${(err as Error).name}: ${(err as Error).message}`);
    }
    return parseServicePrincipal(raw, this.secretName);
  }
}

export function parseServicePrincipal(raw: unknown, secretName: string): ServicePrincipal {
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new SecretError(`Secrets Manager secret ${secretName} is not JSON: store {"tenantId","clientId","clientSecret"}`);
    }
  }
  const result = ServicePrincipalSchema.safeParse(value);
  if (!result.success) {
    // Field names only: zod messages could echo values.
    const missing = [...new Set(result.error.issues.map((i) => i.path.join(".")))].join(", ");
    throw new SecretError(
      `Secrets Manager secret ${secretName} must be JSON {"tenantId","clientId","clientSecret"}; missing or empty: ${missing}`,
    );
  }
  return result.data;
}
