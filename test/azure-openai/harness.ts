/**
 * Starts everything a poll talks to, locally: the Azure fake (HTTPS, self-signed CA), dynalite
 * for the watermark table, and the CloudWatch/Secrets Manager fake. Then builds the poller with
 * the same wiring as the Lambda (runtime.ts), pointed at them.
 */

import { type PollerSettings, PollerSettingsSchema } from "../../core/contracts/azure-openai-poller-settings";
import { AwsFake } from "../../dev-support/aws-fake";
import { AzureFakeServer } from "../../dev-support/azure-fake-server";
import type { FakeServicePrincipal } from "../../dev-support/entra-id-fake";
import { testCertificate } from "../../dev-support/tls";
import { startWatermarkTable } from "../../dev-support/watermark-table";
import { createPoller, type Poller } from "../../lambdas/azure-openai-poller/runtime";

export const SUB_A = "00000000-0000-4000-8000-0000000000a1";
export const ACCOUNT_SWC = `/subscriptions/${SUB_A}/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/aoai-swc`;
export const ACCOUNT_EUS = `/subscriptions/${SUB_A}/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/aoai-eus`;
export const WORKSPACE_ID = "00000000-0000-4000-8000-0000000000b1";
export const SECRET_NAME = "fleetwatch/test/azure-sp";

export const PRINCIPAL: FakeServicePrincipal = {
  tenantId: "00000000-0000-4000-8000-000000000001",
  clientId: "11111111-2222-4333-8444-555555555555",
  // Distinctive so that a leak anywhere is found by a plain substring search.
  clientSecret: "Zq8~s3cr3t.VALUE_that-must-never-leak~42",
};

export interface LogLine {
  readonly level: "info" | "warn" | "error";
  readonly message: string;
  readonly attributes?: Record<string, unknown>;
}

export interface Harness {
  readonly azure: AzureFakeServer;
  readonly aws: AwsFake;
  readonly logs: LogLine[];
  readonly settings: PollerSettings;
  readonly poller: Poller;
  readonly dynamoEndpoint: string;
  newPoller(overrides?: Partial<PollerSettings>): Poller;
  stop(): Promise<void>;
}

let tableCounter = 0;

export async function startHarness(overrides: Partial<PollerSettings> = {}): Promise<Harness> {
  const azure = await new AzureFakeServer(PRINCIPAL).start();
  azure.accountRegions.set(ACCOUNT_SWC.toLowerCase(), "swedencentral");
  azure.accountRegions.set(ACCOUNT_EUS.toLowerCase(), "eastus");
  const aws = await new AwsFake().start();
  aws.secrets.set(SECRET_NAME, JSON.stringify(PRINCIPAL));
  const watermark = await startWatermarkTable(`fw-watermark-${++tableCounter}`);
  const { table, config: dynamoConfig } = watermark;
  const { credentials: awsCredentials, endpoint: dynamoEndpoint } = dynamoConfig;

  const settings = PollerSettingsSchema.parse({
    environment: "test",
    tenantId: PRINCIPAL.tenantId,
    credentialsSecretName: SECRET_NAME,
    accounts: [
      {
        resourceId: ACCOUNT_SWC,
        region: "swedencentral",
        deployments: [
          { name: "gpt-4o", team: "assistants", model: "gpt-4o" },
          { name: "gpt-4o-mini", team: "search", model: "gpt-4o-mini" },
        ],
      },
      { resourceId: ACCOUNT_EUS, region: "eastus", deployments: [{ name: "o4-mini", team: "assistants", model: "o4-mini" }] },
    ],
    workspaces: [{ workspaceId: WORKSPACE_ID, tables: ["AzureDiagnostics", "AppRequests"] }],
    prices: {
      "gpt-4o": { inputUsdPer1kTokens: 0.0025, outputUsdPer1kTokens: 0.01 },
      "gpt-4o-mini": { inputUsdPer1kTokens: 0.00015, outputUsdPer1kTokens: 0.0006 },
      "o4-mini": { inputUsdPer1kTokens: 0.0011, outputUsdPer1kTokens: 0.0044 },
    },
    endpoints: azure.endpoints(),
    watermarkTable: table,
    maxRetryAfterSeconds: 5,
    ...overrides,
  });
  const logs: LogLine[] = [];
  const newPoller = (more: Partial<PollerSettings> = {}) =>
    createPoller(
      { ...settings, ...more },
      {
        log: {
          info: (message, attributes) => logs.push({ level: "info", message, attributes }),
          warn: (message, attributes) => logs.push({ level: "warn", message, attributes }),
          error: (message, attributes) => logs.push({ level: "error", message, attributes }),
        },
        secretsManager: { endpoint: aws.endpoint, region: "eu-west-1", credentials: awsCredentials },
        dynamoDb: dynamoConfig,
        cloudWatch: { endpoint: aws.endpoint, region: "eu-west-1", credentials: awsCredentials },
        azureCa: testCertificate().ca,
      },
    );
  return {
    azure,
    aws,
    logs,
    settings,
    poller: newPoller(),
    dynamoEndpoint,
    newPoller,
    async stop() {
      await azure.stop();
      await aws.stop();
      await watermark.close();
    },
  };
}

/**
 * "Now" for a test: 20 s into the current minute (near real time, because CloudWatch rejects
 * timestamps older than two weeks). minuteAgo(1) is the start of the last whole minute.
 */
export const NOW = Math.floor(Date.now() / 60_000) * 60_000 + 20_000;
export const minuteAgo = (n: number) => NOW - 20_000 - n * 60_000;
export const iso = (epochMs: number) => new Date(epochMs).toISOString();
