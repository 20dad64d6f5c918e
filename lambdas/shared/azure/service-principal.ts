/**
 * The Azure service principal ({"tenantId","clientId","clientSecret"}) from Secrets Manager,
 * for every Lambda that calls Azure (Azure OpenAI poller, capacity forecast, Azure Monitor
 * provisioner). Read through Powertools Parameters, cached across warm invocations.
 */
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import type { SecretsManagerClientConfig } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { parseJsonSecret, SECRET_MAX_AGE_SECONDS, SecretError } from "../json-secret";

const ServicePrincipalSchema = z.object({
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});
export type ServicePrincipal = z.infer<typeof ServicePrincipalSchema>;

export function parseServicePrincipal(raw: unknown, secretName: string): ServicePrincipal {
  return parseJsonSecret(secretName, raw, ServicePrincipalSchema, '{"tenantId","clientId","clientSecret"}');
}

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
