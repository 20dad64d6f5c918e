/**
 * The AzureOpenAiPoller construct as `cdk synth` builds it (cdk-nag included): schedule, table,
 * least-privilege role, settings, and the synth-time checks of the azure config.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, test } from "vitest";
import type { EnvironmentConfig } from "../../core/config/schema";
import { PollerSettingsSchema, SETTINGS_ENV_VAR } from "../../core/contracts/azure-openai-poller-settings";
import { AzureOpenAiPoller, validateAzure } from "../../lib/azure-openai/azure-openai-poller";
import { loadConfig } from "../../lib/config/load";
import { FleetWatchStack } from "../../lib/fleetwatch-stack";

/** The construct alone in a stack, synthesised with cdk-nag exactly as buildApp adds it (a finding throws). */
function synthPoller(config: EnvironmentConfig): { stack: Stack; template: Template } {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "fw-aoai-synth-")) });
  const stack = new Stack(app, `AoaiPoller-${config.name}`, { env: { account: config.account, region: config.region } });
  new AzureOpenAiPoller(stack, "AzureOpenAiPoller", { config });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return { stack, template: Template.fromStack(stack) };
}

describe.each(["dev", "prod"])("FleetWatch-%s", (envName) => {
  const config = loadConfig(envName);
  const { stack, template } = synthPoller(config);

  const pollerFunction = () => {
    const fns = template.findResources("AWS::Lambda::Function", {
      Properties: { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: "azure-openai-poller" }) } },
    });
    expect(Object.keys(fns)).toHaveLength(1);
    return Object.values(fns)[0] as { Properties: { Environment: { Variables: Record<string, unknown> }; Timeout: number } };
  };

  test("a Lambda every minute from EventBridge Scheduler, without retries of a stale minute", () => {
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "rate(1 minute)",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } }),
      Description: Match.stringLikeRegexp("Azure OpenAI"),
    });
    expect(pollerFunction().Properties.Timeout).toBeLessThanOrEqual(120);
  });

  test("settings carry the accounts, deployments and endpoints, and no secret", () => {
    const raw = pollerFunction().Properties.Environment.Variables[SETTINGS_ENV_VAR];
    const text = stack.resolve(raw);
    // The table name is a token: stringified as Fn::Join; check the literal parts.
    const json = JSON.stringify(text);
    expect(json).toContain(config.azure?.accounts[0]?.resourceId);
    expect(json).toContain("https://api.loganalytics.io/v1");
    expect(json).not.toMatch(/clientSecret"\s*:/);
  });

  test("watermark table: encrypted, on-demand, TTL, point-in-time recovery", () => {
    template.hasResourceProperties("AWS::DynamoDB::GlobalTable", {
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "minute", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
      SSESpecification: Match.objectLike({ SSEEnabled: true }),
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    });
  });

  test("role: PutMetricData only into the FleetWatch namespace; the secret is readable by name", () => {
    const policies = Object.values(template.findResources("AWS::IAM::Policy")).map((p) => JSON.stringify(p));
    const put = policies.find((p) => p.includes("cloudwatch:PutMetricData") && p.includes("azure-openai") === false);
    const all = policies.join("\n");
    expect(all).toContain('"Condition":{"StringEquals":{"cloudwatch:namespace":"FleetWatch"}}');
    expect(put ?? all).toContain("cloudwatch:PutMetricData");
    expect(all).toContain(`secret:${config.azure?.credentialsSecretName}-??????`);
  });
});

test("the stack creates the poller only when config.azure is set", () => {
  const config = loadConfig("dev");
  const withAzure = new FleetWatchStack(new App(), "WithAzure", { config, env: { account: config.account, region: config.region } });
  expect(withAzure.azureOpenAiPoller?.deployments.map((d) => d.name)).toEqual(["gpt-4o"]);
  const without = new FleetWatchStack(new App(), "WithoutAzure", {
    config: { ...config, azure: undefined },
    env: { account: config.account, region: config.region },
  });
  expect(without.azureOpenAiPoller).toBeUndefined();
});

describe("synth-time checks of the azure config", () => {
  const azure = loadConfig("prod").azure!;

  test("a deployment model without a price names the field and what exists", () => {
    const bad = structuredClone(azure);
    bad.accounts[0]!.deployments[0]!.model = "gpt-5";
    expect(() => validateAzure(bad)).toThrow(
      /azure\.accounts\[0\]\.deployments\[0\]\.model: no price for "gpt-5" in azure\.prices \(has: gpt-4o, gpt-4o-mini, o4-mini\)/,
    );
  });

  test("a deployment name used twice is rejected (it is the CloudWatch dimension)", () => {
    const bad = structuredClone(azure);
    bad.accounts[1]!.deployments[0]!.name = "gpt-4o";
    expect(() => validateAzure(bad)).toThrow(
      /azure\.accounts\[1\]\.deployments\[0\]\.name: "gpt-4o" is also azure\.accounts\[0\]\.deployments\[0\]/,
    );
  });

  test("sovereign clouds switch every endpoint", async () => {
    const { CLOUD_ENDPOINTS } = await import("../../core/contracts/azure-openai-poller-settings");
    for (const e of Object.values(CLOUD_ENDPOINTS)) {
      expect(PollerSettingsSchema.shape.endpoints.parse(e)).toEqual(e);
      expect(e.logs.endsWith("/v1")).toBe(true);
    }
    expect(CLOUD_ENDPOINTS.AzureUSGovernment.metrics).toContain(".us");
  });
});
