import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../lib/config/load";
import { synthAlarms } from "./support";

type Resource = { Properties: Record<string, unknown> };
type Missing = "missing" | "notBreaching" | "breaching";
type Tier = "P1" | "P2" | "P3";
type Level = "warn" | "critical";
type Scope = "cluster" | "deployment" | "environment";
/** signal, level, scope, threshold, M, N, TreatMissingData, tier, and whether a composite pages for it. */
type Row = readonly [string, Level, Scope, number, number, number, Missing, Tier, "suppressed"?];

/** README.md's alarm table, with the tiers of an environment whose SLOs are all on. */
const EXPECTED_ALARMS: readonly Row[] = [
  ["gpu-temperature", "warn", "cluster", 78, 5, 5, "missing", "P2"],
  ["gpu-temperature", "critical", "cluster", 83, 5, 5, "missing", "P1"],
  ["gpu-uncorrectable-ecc", "critical", "cluster", 0, 1, 60, "notBreaching", "P1"],
  ["gpu-throttled", "warn", "cluster", 0, 5, 5, "missing", "P3"],
  ["fan-failed", "warn", "cluster", 0, 2, 3, "missing", "P2"],
  ["fans-failed-per-chassis", "critical", "cluster", 1, 2, 3, "missing", "P1"],
  ["power-cap", "warn", "cluster", 0, 10, 10, "missing", "P2"],
  ["bmc-telemetry-stale", "warn", "cluster", 0, 5, 5, "breaching", "P2", "suppressed"],
  ["bmc-unreachable-share", "critical", "cluster", 20, 5, 5, "missing", "P1", "suppressed"],
  ["poller-sweep-duration", "warn", "cluster", 50_000, 3, 5, "notBreaching", "P2"],
  ["bmc-network-outage", "critical", "environment", 80, 3, 3, "missing", "P1"],
  ["gpu-spend", "warn", "environment", 100, 2, 3, "notBreaching", "P3"],
  ["gpu-spend", "critical", "environment", 120, 1, 1, "notBreaching", "P1"],
  ["poller-errors", "warn", "environment", 0, 3, 5, "notBreaching", "P2"],
  ["poller-undelivered", "warn", "environment", 0, 1, 1, "notBreaching", "P2"],
  ["ingest-iterator-age", "warn", "environment", 300_000, 5, 5, "notBreaching", "P2"],
  ["paging-delivery-failed", "warn", "environment", 0, 1, 1, "notBreaching", "P2"],
  ["ingest-dlq-depth", "warn", "environment", 0, 1, 1, "notBreaching", "P2"],
  ["sink-rejections", "warn", "environment", 0, 1, 1, "notBreaching", "P2"],
  ["p1-enricher-errors", "critical", "environment", 0, 1, 1, "notBreaching", "P1"],
  ["azure-telemetry-stale", "warn", "environment", 300, 3, 3, "breaching", "P2"],
  ["azure-poller-errors", "warn", "environment", 0, 3, 5, "notBreaching", "P2"],
  ["aoai-zero-success", "critical", "deployment", 0, 5, 9, "notBreaching", "P2", "suppressed"],
  ["aoai-tpm-quota", "warn", "deployment", 80, 3, 4, "notBreaching", "P3"],
  ["aoai-spend", "warn", "deployment", 100, 2, 3, "notBreaching", "P3"],
  ["aoai-spend", "critical", "deployment", 120, 1, 1, "notBreaching", "P1"],
  ["aoai-regional-headroom", "warn", "environment", 20, 1, 2, "missing", "P3"],
];

describe.each(["dev", "prod"])("alarms and paging for %s", (envName) => {
  const config = loadConfig(envName);
  const { template, stack, alarms: construct } = synthAlarms(config);
  const resources = (type: string) => template.findResources(type) as Record<string, Resource>;
  const metricAlarms = Object.entries(resources("AWS::CloudWatch::Alarm"));
  const composites = Object.entries(resources("AWS::CloudWatch::CompositeAlarm"));
  const topics = resources("AWS::SNS::Topic");
  const topicLogicalId = (name: string) => Object.entries(topics).find(([, t]) => t.Properties.TopicName === name)![0];
  const ref = (name: string) => [{ Ref: topicLogicalId(name) }];
  const byName = new Map([...metricAlarms, ...composites].map(([, r]) => [r.Properties.AlarmName as string, r.Properties]));

  // Expected alarms, worked by hand from README.md's alarm table (the catalog's documented
  // defaults) and config/<env>.json, never from the resolver: both environments configure
  // Azure and keep every SLO on (config.slos), so aoai-429-rate and aoai-p99-latency are
  // retired, gpu-throttled pages P3 and aoai-zero-success P2; prod overrides gpu-temperature to 80/85.
  const instances = {
    cluster: config.redfish.clusters.map((c) => `/${c.name}`),
    deployment: (config.azure?.accounts ?? []).flatMap((a) => a.deployments.map((d) => `/${d.name}`)),
    environment: [""],
  };
  const prodOverrides: Record<string, number> = { "gpu-temperature/warn": 80, "gpu-temperature/critical": 85 };
  const expected = EXPECTED_ALARMS.flatMap(([signal, level, scope, threshold, m, n, missing, tier, suppressed]) =>
    instances[scope].map((instance) => ({
      name: `FleetWatch/${envName}/${signal}/${level}${instance}`,
      signal,
      threshold: envName === "prod" ? (prodOverrides[`${signal}/${level}`] ?? threshold) : threshold,
      m,
      n,
      missing,
      tier,
      suppressed: suppressed === "suppressed",
    })),
  );

  test("every alarm the catalog describes exists, and no other alarm does", () => {
    // The hand-worked table assumes every SLO on and Azure configured: a config change must revisit it.
    expect([config.slos.aoaiAvailability.enabled, config.slos.aoaiLatency.enabled, config.slos.gpuFleet.enabled]).toEqual([
      true,
      true,
      true,
    ]);
    expect(config.azure).toBeDefined();
    const expectedNames = new Set(expected.flatMap((e) => (e.suppressed ? [e.name, `${e.name}/paging`] : [e.name])));
    expect(new Set(byName.keys())).toEqual(expectedNames);
    expect(construct.skipped).toEqual([]);
  });

  test("thresholds, M-of-N and TreatMissingData equal the catalog's (with this environment's overrides)", () => {
    for (const e of expected) {
      const p = byName.get(e.name)!;
      expect(p.Threshold, e.name).toBe(e.threshold);
      expect(p.DatapointsToAlarm, e.name).toBe(e.m);
      expect(p.EvaluationPeriods, e.name).toBe(e.n);
      expect(p.TreatMissingData, e.name).toBe(e.missing);
    }
    if (envName === "prod") {
      expect(byName.get("FleetWatch/prod/gpu-temperature/critical/train-a")!.Threshold).toBe(85);
      expect(byName.get("FleetWatch/prod/gpu-temperature/warn/infer-b")!.Threshold).toBe(80);
    }
  });

  test("every alarm sends ALARM and OK to the tier the catalog says (composites carry them for suppressed signals)", () => {
    for (const e of expected) {
      const paging = e.suppressed ? byName.get(`${e.name}/paging`)! : byName.get(e.name)!;
      const topic =
        e.signal === "p1-enricher-errors" ? `fleetwatch-${envName}-p1-pagerduty` : `fleetwatch-${envName}-${e.tier.toLowerCase()}`;
      expect(paging.AlarmActions, e.name).toEqual(ref(topic));
      expect(paging.OKActions, e.name).toEqual(ref(topic));
      if (e.suppressed) {
        const inner = byName.get(e.name)!;
        expect(inner.AlarmActions ?? [], `${e.name} must not page twice`).toEqual([]);
        expect(inner.OKActions ?? []).toEqual([]);
      }
    }
  });

  test("composite alarms are suppressed by the alarm that explains them", () => {
    const staleComposite = composites.find(([, c]) => String(c.Properties.AlarmName).includes("/bmc-telemetry-stale/"))!;
    const outageId = metricAlarms.find(([, a]) => a.Properties.AlarmName === `FleetWatch/${envName}/bmc-network-outage/critical`)![0];
    expect(staleComposite[1].Properties.ActionsSuppressor).toEqual({ "Fn::GetAtt": [outageId, "Arn"] });
    expect(staleComposite[1].Properties.ActionsSuppressorWaitPeriod).toBe(60);
    expect(staleComposite[1].Properties.ActionsSuppressorExtensionPeriod).toBe(600);
    const zero = composites.find(([, c]) => String(c.Properties.AlarmName).includes("/aoai-zero-success/"))!;
    const azureStale = metricAlarms.find(([, a]) => a.Properties.AlarmName === `FleetWatch/${envName}/azure-telemetry-stale/warn`)![0];
    expect(zero[1].Properties.ActionsSuppressor).toEqual({ "Fn::GetAtt": [azureStale, "Arn"] });
  });

  test("the topics' key is customer-managed, rotated, and its policy admits cloudwatch.amazonaws.com and Chatbot", () => {
    const keys = Object.entries(resources("AWS::KMS::Key"));
    expect(keys).toHaveLength(1);
    const [keyId, key] = keys[0]!;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const statements = (key.Properties.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;
    for (const service of ["cloudwatch.amazonaws.com", "chatbot.amazonaws.com"]) {
      const s = statements.find((x) => JSON.stringify(x.Principal) === JSON.stringify({ Service: service }));
      expect(s, service).toBeDefined();
      expect(s!.Effect).toBe("Allow");
      expect(s!.Action).toEqual(expect.arrayContaining(["kms:Decrypt", "kms:GenerateDataKey*"]));
    }
    for (const t of Object.values(topics)) expect(t.Properties.KmsMasterKeyId).toEqual({ "Fn::GetAtt": [keyId, "Arn"] });
  });

  test("topic policies let this account's CloudWatch alarms publish, over TLS only", () => {
    for (const p of Object.values(resources("AWS::SNS::TopicPolicy"))) {
      const statements = (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Condition: { StringEquals: { "aws:SourceAccount": config.account } },
        }),
      );
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
      );
    }
  });

  test("PagerDuty gets an HTTPS subscription whose URL is a deploy-time Secrets Manager reference, never a literal", () => {
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "https",
      TopicArn: { Ref: topicLogicalId(`fleetwatch-${envName}-p1-pagerduty`) },
      Endpoint: `{{resolve:secretsmanager:${config.paging.p1.pagerDutyIntegrationUrlSecretName}:SecretString:::}}`,
      RawMessageDelivery: false,
    });
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toMatch(/pagerduty\.com/i);
    for (const s of Object.values(resources("AWS::SNS::Subscription"))) {
      if (s.Properties.Protocol === "https")
        expect(String(s.Properties.Endpoint)).toMatch(/^\{\{resolve:secretsmanager:[^}]+:SecretString:::\}\}$/);
    }
  });

  test("P1 goes through the enricher; P2 to Chatbot with a read-only guardrail; P3 to email", () => {
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "lambda",
      TopicArn: { Ref: topicLogicalId(`fleetwatch-${envName}-p1`) },
    });
    const readOnly = { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":iam::aws:policy/CloudWatchReadOnlyAccess"]] };
    const slack = Object.values(resources("AWS::Chatbot::SlackChannelConfiguration"));
    expect(slack).toHaveLength(config.paging.p2.slack.length);
    for (const s of slack) {
      expect(s.Properties.GuardrailPolicies).toEqual([readOnly]);
      expect(s.Properties.SnsTopicArns).toEqual(ref(`fleetwatch-${envName}-p2`));
    }
    const teams = Object.values(resources("AWS::Chatbot::MicrosoftTeamsChannelConfiguration"));
    expect(teams).toHaveLength(config.paging.p2.teams.length);
    for (const t of teams) expect(t.Properties.GuardrailPolicies).toEqual([readOnly]);
    expect(JSON.stringify(template.toJSON())).not.toContain("AdministratorAccess");
    for (const email of config.paging.p3.emails) {
      template.hasResourceProperties("AWS::SNS::Subscription", {
        Protocol: "email",
        Endpoint: email,
        TopicArn: { Ref: topicLogicalId(`fleetwatch-${envName}-p3`) },
      });
    }
  });

  test("the GPU over-temperature remediation hook is off by default", () => {
    expect(Object.keys(resources("AWS::Events::Rule"))).toHaveLength(0);
    expect(stack.node.tryFindChild("Alarms")).toBeDefined();
  });
});

test("remediation on: sustained critical GPU temperature goes to a remediation event bus", () => {
  const config = { ...loadConfig("dev"), remediation: { gpuOverheatEvent: true } };
  const { template } = synthAlarms(config, false);
  const critical = Object.entries(template.findResources("AWS::CloudWatch::Alarm")).find(
    ([, a]) => a.Properties.AlarmName === "FleetWatch/dev/gpu-temperature/critical/lab-a",
  )![0];
  template.hasResourceProperties("AWS::Events::Rule", {
    EventPattern: {
      source: ["aws.cloudwatch"],
      "detail-type": ["CloudWatch Alarm State Change"],
      resources: [{ "Fn::GetAtt": [critical, "Arn"] }],
      detail: { state: { value: ["ALARM"] } },
    },
    Targets: [Match.objectLike({ Arn: Match.anyValue() })],
  });
  template.hasResourceProperties("AWS::Events::EventBus", { Name: "fleetwatch-dev-remediation" });
});

test("without the pipeline constructs, only the alarms on their resources are skipped, and each says why", () => {
  const { alarms } = synthAlarms(loadConfig("dev"), false);
  expect(alarms.skipped.map((s) => s.name).sort()).toEqual(
    [
      "FleetWatch/dev/azure-poller-errors/warn",
      "FleetWatch/dev/ingest-dlq-depth/warn",
      "FleetWatch/dev/ingest-iterator-age/warn",
      "FleetWatch/dev/poller-errors/warn",
    ].sort(),
  );
  for (const s of alarms.skipped) expect(s.reason).toMatch(/needs \w+, not wired/);
});

test("a page SNS cannot deliver to PagerDuty or the ticket webhook lands in a queue that pages P2", () => {
  const { template } = synthAlarms(loadConfig("prod"), false);
  const queues = Object.entries(template.findResources("AWS::SQS::Queue"));
  const failures = queues.find(([, q]) => q.Properties.QueueName === "fleetwatch-prod-paging-delivery-failures");
  expect(failures, "delivery-failure queue").toBeDefined();
  const https = Object.values(template.findResources("AWS::SNS::Subscription")).filter((s) => s.Properties.Protocol === "https");
  expect(https).toHaveLength(2); // PagerDuty and the ticket webhook in prod.json
  for (const s of https) expect(s.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { "Fn::GetAtt": [failures![0], "Arn"] } });
  const p2 = Object.entries(template.findResources("AWS::SNS::Topic")).find(([, t]) => t.Properties.TopicName === "fleetwatch-prod-p2")![0];
  template.hasResourceProperties("AWS::CloudWatch::Alarm", {
    AlarmName: "FleetWatch/prod/paging-delivery-failed/warn",
    Namespace: "AWS/SQS",
    MetricName: "ApproximateNumberOfMessagesVisible",
    Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [failures![0], "QueueName"] } }],
    AlarmActions: [{ Ref: p2 }],
    OKActions: [{ Ref: p2 }],
  });
});
