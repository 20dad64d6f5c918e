/**
 * AzureMonitorProvisioning in a stack of its own with cdk-nag (as in `cdk synth`), next to
 * KMS-encrypted topics standing in for PagingTiers. Checks the wiring and that no secret value
 * reaches the template.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { Key } from "aws-cdk-lib/aws-kms";
import { Topic } from "aws-cdk-lib/aws-sns";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import type { EnvironmentConfig } from "../../core/config/schema";
import { KQL_LIBRARY } from "../../core/kql/library";
import { AzureMonitorProvisioning, MAX_PLAN_BYTES } from "../../lib/azure-side/azure-monitor-provisioning";
import { loadConfig } from "../../lib/config/load";

function synth(config: EnvironmentConfig) {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "fw-azure-side-")) });
  const stack = new Stack(app, `FleetWatch-${config.name}`, { env: { account: config.account, region: config.region } });
  const key = new Key(stack, "PagingKey", { enableKeyRotation: true });
  const topic = (id: string) => new Topic(stack, id, { masterKey: key, enforceSSL: true });
  const construct = new AzureMonitorProvisioning(stack, "AzureSide", {
    config,
    topics: { p1: topic("P1"), p2: topic("P2"), p3: topic("P3") },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return { construct, template: Template.fromStack(stack) };
}

describe("AzureMonitorProvisioning (prod config, provisionAzureSide: true; synth with cdk-nag passes)", () => {
  const config = loadConfig("prod");
  const { construct, template } = synth(config);

  it("is enabled only by azure.provisionAzureSide", () => {
    expect(AzureMonitorProvisioning.isEnabled(config)).toBe(true);
    expect(AzureMonitorProvisioning.isEnabled(loadConfig("dev"))).toBe(false);
    expect(() => new AzureMonitorProvisioning(new Stack(), "x", { config: loadConfig("dev"), topics: {} as never })).toThrow(
      /azure.provisionAzureSide: true/,
    );
  });

  it("declares the custom resource with the plan and the intake URL", () => {
    const resources = template.findResources("Custom::AzureMonitorProvisioning");
    const [resource] = Object.values(resources);
    expect(Object.keys(resources)).toHaveLength(1);
    const properties = resource?.Properties as { Plan: string; IntakeUrl: unknown; ServiceToken: unknown };
    const plan = JSON.parse(properties.Plan);
    expect(plan.environment).toBe("prod");
    expect(plan.diagnosticSettings).toHaveLength(config.azure?.accounts.length ?? -1);
    // One per query and one per alias (the saved-search names the runbooks use).
    expect(plan.savedSearches).toHaveLength(KQL_LIBRARY.reduce((n, q) => n + 1 + (q.aliases?.length ?? 0), 0));
    expect(plan.alertRules).toHaveLength(KQL_LIBRARY.filter((q) => q.alert).length);
    expect(properties.IntakeUrl).toEqual({ "Fn::GetAtt": [expect.stringMatching(/AlertIntakeFunctionFunctionUrl/), "FunctionUrl"] });
    expect(construct.plan.actionGroup.shortName.length).toBeLessThanOrEqual(12);
  });

  it("SLOs from config are in the alert queries", () => {
    const latency = construct.plan.alertRules.find((r) => r.name.includes("p99-over-slo-diagnostics"));
    expect(latency?.query).toContain('"gpt-4o-mini":3000');
    expect(latency?.query).toContain('"o4-mini":20000');
  });

  it("the intake is a Function URL authenticated in code (AuthType NONE) with a generated token", () => {
    template.hasResourceProperties("AWS::Lambda::Url", { AuthType: "NONE" });
    template.hasResourceProperties("AWS::SecretsManager::Secret", {
      GenerateSecretString: Match.objectLike({ PasswordLength: 48, ExcludePunctuation: true }),
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({ TOPIC_ARN_P1: Match.anyValue(), TOPIC_ARN_P2: Match.anyValue(), TOPIC_ARN_P3: Match.anyValue() }),
      },
    });
  });

  it("point 6: the intake may read exactly the Azure telemetry staleness alarm, to page Azure twins only while AWS is blind", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ STALENESS_ALARM_NAME: "FleetWatch/prod/azure-telemetry-stale/warn" }) },
    });
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: "cloudwatch:DescribeAlarms",
            Resource: { "Fn::Join": ["", Match.arrayWith([Match.stringLikeRegexp(":alarm:FleetWatch/prod/azure-telemetry-stale/warn$")])] },
          }),
        ]),
      }),
    });
  });

  it("the provisioner reads the Azure credentials secret by name, never by value", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: 600,
      Environment: {
        Variables: Match.objectLike({
          AZURE_CREDENTIALS_SECRET: "fleetwatch/prod/azure-sp",
          AZURE_RESOURCE_MANAGER: "https://management.azure.com",
        }),
      },
    });
    const json = JSON.stringify(template.toJSON());
    // A value could only get in as a literal or a dynamic reference; neither is there.
    expect(json).not.toMatch(/clientSecret|"SecretString"|resolve:secretsmanager/);
    expect(json).not.toMatch(/token=/);
  });

  it("refuses a plan too large for a custom resource event, naming the field", () => {
    const azure = config.azure;
    if (!azure) throw new Error("prod has azure");
    const many = Array.from({ length: 12 }, (_, i) => ({
      ...azure.workspaces[0],
      resourceId: `/subscriptions/00000000-0000-4000-8000-0000000000a2/resourceGroups/rg-${i}/providers/Microsoft.OperationalInsights/workspaces/law-${i}`,
    })) as typeof azure.workspaces;
    const big = { ...config, azure: { ...azure, workspaces: many } };
    expect(() => new AzureMonitorProvisioning(new Stack(), "x", { config: big, topics: {} as never })).toThrow(
      new RegExp(`azure: the Azure-side plan is \\d+ bytes \\(limit ${MAX_PLAN_BYTES}\\)`),
    );
  });
});
