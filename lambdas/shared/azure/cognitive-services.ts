/**
 * Azure Resource Manager's Cognitive Services client, one per subscription, for the Lambdas
 * that read Azure OpenAI deployments (the AOAI poller's deployment list, capacity-forecast's
 * quota reader). The token scope follows the ARM audience (sovereign clouds, local fakes).
 */
import { CognitiveServicesManagementClient, type CognitiveServicesManagementClientOptionalParams } from "@azure/arm-cognitiveservices";
import type { TokenCredential } from "@azure/identity";
import { perKey } from "../per-key";
import { defaultScope } from "./token-scope";

export interface ArmEndpoint {
  readonly endpoint: string;
  /** Token audience of ARM; defaults to the endpoint (differs only for local test servers). */
  readonly audience?: string;
}

export function cognitiveServicesClients(
  credential: TokenCredential,
  arm: ArmEndpoint,
  options: CognitiveServicesManagementClientOptionalParams = {},
): (subscriptionId: string) => CognitiveServicesManagementClient {
  return perKey(
    (subscriptionId) =>
      new CognitiveServicesManagementClient(credential, subscriptionId, {
        endpoint: arm.endpoint,
        credentialScopes: [defaultScope(arm.audience ?? arm.endpoint)],
        ...options,
      }),
  );
}
