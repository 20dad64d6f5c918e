/**
 * Wires settings to adapters: the service principal (re-read through the Powertools cache), the
 * Azure clients (rebuilt when the secret rotates), DynamoDB and CloudWatch. Tests use the same
 * wiring with local endpoints, so what they exercise is what runs.
 */
import type { CloudWatchClientConfig } from "@aws-sdk/client-cloudwatch";
import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import type { SecretsManagerClientConfig } from "@aws-sdk/client-secrets-manager";
import type { PollerSettings } from "../../core/contracts/azure-openai-poller-settings";
import { type ServicePrincipal, ServicePrincipalSource } from "../shared/azure/service-principal";
import type { Log } from "../shared/log";
import { PutMetricDataSink } from "../shared/put-metric-data";
import { ArmDeploymentsReader, AzureLogsReader, AzureMetricsReader, servicePrincipalCredential } from "./adapters/azure-clients";
import { DynamoDbWatermarkStore } from "./adapters/dynamodb-watermark";
import { retryPolicy } from "./adapters/retry-policy";
import { describeAzureError } from "./errors";
import { NEVER_READ_STALENESS_SECONDS, type PollDependencies, type PollSummary, pollOnce, QuotaCache } from "./poll";

export interface RuntimeOptions {
  readonly log: Log;
  readonly secretsManager?: SecretsManagerClientConfig;
  readonly dynamoDb?: DynamoDBClientConfig;
  readonly cloudWatch?: CloudWatchClientConfig;
  /** Extra CA for the Azure endpoints (local HTTPS fakes only). */
  readonly azureCa?: string;
}

export interface Poller {
  poll(now: number): Promise<PollSummary>;
}

export function createPoller(settings: PollerSettings, options: RuntimeOptions): Poller {
  const secret = new ServicePrincipalSource(settings.credentialsSecretName, options.secretsManager);
  const watermark = new DynamoDbWatermarkStore(settings.watermarkTable, settings.environment, options.dynamoDb);
  const publisher = new PutMetricDataSink(options.cloudWatch);
  const quotaCache = new QuotaCache();
  let built: { sp: ServicePrincipal; deps: PollDependencies } | undefined;

  const retry = retryPolicy(
    { maxRetries: settings.maxRetries, maxRetryAfterMs: settings.maxRetryAfterSeconds * 1000, baseDelayMs: 500 },
    (info) => options.log.warn("Azure call retried", info),
  );

  return {
    async poll(now: number): Promise<PollSummary> {
      let sp: ServicePrincipal;
      try {
        sp = await secret.get();
      } catch (err) {
        const e = describeAzureError(
          err,
          { service: "secret", tenantId: settings.tenantId, secretName: settings.credentialsSecretName },
          [],
        );
        options.log.error("cannot read the Azure service principal", { error: e.message });
        // Blind: say so, so that "zero successful requests" is not trusted.
        const lastSuccess = await watermark.readLastSuccess();
        const staleness = lastSuccess === undefined ? NEVER_READ_STALENESS_SECONDS : Math.round((now - lastSuccess) / 1000);
        const env = { Environment: settings.environment };
        await publisher.publish([
          { metric: "azureTelemetryStalenessSeconds", dimensions: env, timestamp: new Date(now), value: staleness },
          { metric: "azurePollErrors", dimensions: env, timestamp: new Date(now), value: 1 },
        ]);
        return {
          windowStart: "",
          windowEnd: "",
          published: 0,
          waiting: 0,
          alreadyPublished: 0,
          claimConflicts: 0,
          partialLogQueries: 0,
          errors: [e],
          azureReadOk: false,
          stalenessSeconds: staleness,
          familyStalenessSeconds: { requests: staleness, tokens: staleness, performance: staleness },
        };
      }
      if (!built || built.sp.clientSecret !== sp.clientSecret || built.sp.clientId !== sp.clientId || built.sp.tenantId !== sp.tenantId) {
        const clientOptions = { endpoints: settings.endpoints, retry, ca: options.azureCa };
        const credential = servicePrincipalCredential(sp, clientOptions);
        built = {
          sp,
          deps: {
            settings,
            metrics: new AzureMetricsReader(credential, clientOptions),
            logs: new AzureLogsReader(credential, clientOptions),
            deployments: new ArmDeploymentsReader(credential, clientOptions),
            watermark,
            publisher,
            log: options.log,
            identity: { clientId: sp.clientId, tenantId: sp.tenantId },
            secrets: [sp.clientSecret],
            quotaCache,
            authenticate: async () => {
              await credential.getToken(
                `${(settings.endpoints.resourceManagerAudience ?? settings.endpoints.resourceManager).replace(/\/$/, "")}/.default`,
              );
            },
          },
        };
      }
      return pollOnce(built.deps, now);
    },
  };
}
