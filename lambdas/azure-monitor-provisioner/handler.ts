/**
 * azure-monitor-provisioner: the Lambda behind Custom::AzureMonitorProvisioning. Wiring only:
 * secrets from Secrets Manager, an Entra ID client-secret credential, ARM clients, and the
 * CloudFormation response. Logic lives in custom-resource.ts, apply.ts and plan.ts.
 */

import { Logger } from "@aws-lambda-powertools/logger";
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { ClientSecretCredential, type ClientSecretCredentialOptions } from "@azure/identity";
import type { Context } from "aws-lambda";
import { request } from "undici";
import { z } from "zod";
import { parseServicePrincipal } from "../shared/azure/service-principal";
import { defaultScope } from "../shared/azure/token-scope";
import { type Environment, readEnvironment } from "../shared/environment";
import { powertoolsLog } from "../shared/log";
import { type ArmClientOptions, createArmPort } from "./arm-adapter";
import { type CustomResourceEvent, type CustomResourceResponse, handleCustomResource, redactor } from "./custom-resource";

export interface ProvisionerEnvironment {
  /** Secret holding {"tenantId","clientId","clientSecret"} of the service principal. */
  readonly azureCredentialsSecret: string;
  /** Secret holding the alert intake's shared token. */
  readonly intakeTokenSecret: string;
}

export interface ProvisionerOptions {
  readonly env: ProvisionerEnvironment;
  readonly secrets: SecretsProvider;
  readonly logger: Logger;
  readonly arm?: ArmClientOptions;
  readonly credential?: Pick<ClientSecretCredentialOptions, "authorityHost" | "disableInstanceDiscovery" | "tlsOptions">;
}

/** PUT the response to CloudFormation's pre-signed S3 URL; retried because S3 can blip. */
async function sendResponse(url: string, response: CustomResourceResponse): Promise<void> {
  const body = JSON.stringify(response);
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      // The pre-signed URL is signed with an empty content-type.
      const res = await request(url, {
        method: "PUT",
        body,
        headers: { "content-type": "", "content-length": String(Buffer.byteLength(body)) },
      });
      await res.body.dump();
      if (res.statusCode < 300) return;
      lastError = new Error(`HTTP ${res.statusCode}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
  throw new Error(`could not deliver the CloudFormation response: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

export function createProvisionerHandler(options: ProvisionerOptions) {
  const { env, secrets, logger } = options;
  return async (event: CustomResourceEvent, context: Pick<Context, "getRemainingTimeInMillis">): Promise<CustomResourceResponse> => {
    const known: string[] = [];
    const redact = redactor(() => known);
    const log = powertoolsLog(logger);
    const redactFields = (fields?: Record<string, unknown>) => (fields ? JSON.parse(redact(JSON.stringify(fields))) : {});
    const readSecret = async (id: string, what: string): Promise<string> => {
      let value: unknown;
      try {
        value = await secrets.get(id, { forceFetch: true });
      } catch (error) {
        throw new Error(`reading the ${what} secret ${id} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (typeof value !== "string" || value.length === 0) throw new Error(`the ${what} secret ${id} is empty`);
      return value;
    };
    logger.info("custom resource request", { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId });
    return handleCustomResource(event, {
      port: async () => {
        const raw = await readSecret(env.azureCredentialsSecret, "Azure credentials");
        // Errors name the secret and the missing fields, never its content.
        const parsed = parseServicePrincipal(raw, env.azureCredentialsSecret);
        known.push(parsed.clientSecret);
        const credential = new ClientSecretCredential(parsed.tenantId, parsed.clientId, parsed.clientSecret, options.credential ?? {});
        return createArmPort(credential, options.arm);
      },
      webhookUri: async (intakeUrl) => {
        const token = await readSecret(env.intakeTokenSecret, "alert intake token");
        known.push(token);
        const url = new URL(intakeUrl);
        url.searchParams.set("token", token);
        return url.toString();
      },
      send: sendResponse,
      // Nothing the provisioner logs may carry a secret it read: messages and fields are redacted.
      log: {
        info: (message, fields) => log.info(redact(message), redactFields(fields)),
        warn: (message, fields) => log.warn(redact(message), redactFields(fields)),
        error: (message, fields) => log.error(redact(message), redactFields(fields)),
      },
      redact,
      // Leave 15 s to report FAILED before Lambda kills the invocation.
      budgetMs: Math.max(1000, context.getRemainingTimeInMillis() - 15_000),
    });
  };
}

let cached: ReturnType<typeof createProvisionerHandler> | undefined;

export const handler = async (event: CustomResourceEvent, context: Context): Promise<void> => {
  try {
    cached ??= handlerFromEnvironment(process.env);
  } catch (error) {
    // Without a response CloudFormation would wait an hour: report the misconfiguration.
    await sendResponse(event.ResponseURL, {
      Status: "FAILED",
      Reason: `the provisioner is misconfigured: ${error instanceof Error ? error.message : String(error)}`,
      PhysicalResourceId: event.PhysicalResourceId ?? `fleetwatch-azure-side-${event.LogicalResourceId}`,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    });
    return;
  }
  await cached(event, context);
};

/** Set by lib/azure-side; the endpoints follow config.azure.cloud (sovereign clouds). */
const VariablesSchema = z.object({
  AZURE_CREDENTIALS_SECRET: z.string().min(1),
  INTAKE_TOKEN_SECRET_ARN: z.string().min(1),
  AZURE_RESOURCE_MANAGER: z.url(),
  AZURE_AUTHORITY_HOST: z.url(),
});

function handlerFromEnvironment(env: Environment): ReturnType<typeof createProvisionerHandler> {
  const e = readEnvironment("azure-monitor-provisioner", VariablesSchema, env);
  return createProvisionerHandler({
    env: { azureCredentialsSecret: e.AZURE_CREDENTIALS_SECRET, intakeTokenSecret: e.INTAKE_TOKEN_SECRET_ARN },
    secrets: new SecretsProvider(),
    logger: new Logger(),
    arm: { endpoint: e.AZURE_RESOURCE_MANAGER, scope: defaultScope(e.AZURE_RESOURCE_MANAGER) },
    credential: { authorityHost: e.AZURE_AUTHORITY_HOST },
  });
}
