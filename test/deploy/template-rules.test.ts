/**
 * The deploy preflight's template rules (scripts/deploy-preflight/template-rules.ts): each rule
 * flags a template that breaks the documented limit and passes one that keeps it. Limits come
 * from the AWS pages cited next to each rule.
 */
import { describe, expect, test } from "vitest";
import { type CfnTemplate, checkTemplate, MAX_COMPOSITE_RULE_CHARS } from "../../scripts/deploy-preflight/template-rules";

const topic = (id: string) => ({ Ref: id });
const metricStat = (i: number) => ({
  Id: `m${i}`,
  MetricStat: { Metric: { Namespace: "FleetWatch", MetricName: "X" }, Period: 60, Stat: "Sum" },
  ReturnData: false,
});
const alarm = (props: Record<string, unknown>) => ({ Type: "AWS::CloudWatch::Alarm", Properties: { AlarmName: "a", ...props } });
const rules = (t: CfnTemplate) => checkTemplate(t).map((f) => `${f.rule}:${f.resource}`);

describe("VPC Lambda can manage its network interfaces (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html)", () => {
  const fn = (dependsOn?: string[]) => ({
    Type: "AWS::Lambda::Function",
    Properties: { Role: { "Fn::GetAtt": ["Role", "Arn"] }, VpcConfig: { SubnetIds: ["subnet-1"], SecurityGroupIds: ["sg-1"] } },
    ...(dependsOn ? { DependsOn: dependsOn } : {}),
  });
  const policy = (actions: string[]) => ({
    Type: "AWS::IAM::Policy",
    Properties: { Roles: [{ Ref: "Role" }], PolicyDocument: { Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] } },
  });
  const role = { Type: "AWS::IAM::Role", Properties: {} };
  const eni = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"];

  test("a role without the ENI actions fails: Lambda refuses to create the function", () => {
    expect(rules({ Resources: { Fn: fn(["Policy"]), Role: role, Policy: policy(["kinesis:PutRecords"]) } })).toEqual(["vpc-lambda-eni:Fn"]);
  });
  test("the ENI actions in a policy the function does not depend on fail: the function may be created first", () => {
    expect(rules({ Resources: { Fn: fn(), Role: role, Policy: policy(eni) } })).toEqual(["vpc-lambda-eni:Fn"]);
  });
  test("the ENI actions in a policy the function depends on, or the AWS managed policy, pass", () => {
    expect(rules({ Resources: { Fn: fn(["Policy"]), Role: role, Policy: policy(eni) } })).toEqual([]);
    const managed = {
      Type: "AWS::IAM::Role",
      Properties: { ManagedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"] },
    };
    expect(rules({ Resources: { Fn: fn(), Role: managed } })).toEqual([]);
  });
});

describe("alarm limits", () => {
  const actions = { AlarmActions: [topic("P1")], OKActions: [topic("P1")] };
  test("an alarm expression may use 10 metrics, not 11 (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html)", () => {
    const metrics = (n: number) => [
      ...Array.from({ length: n }, (_, i) => metricStat(i)),
      { Id: "e", Expression: "SUM(METRICS())", ReturnData: true },
    ];
    expect(rules({ Resources: { A: alarm({ ...actions, Metrics: metrics(10) }) } })).toEqual([]);
    expect(rules({ Resources: { A: alarm({ ...actions, Metrics: metrics(11) }) } })).toEqual(["alarm-metrics:A"]);
  });

  test("a composite AlarmRule may be 10,240 characters (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html)", () => {
    const composite = (rule: string) => ({
      Type: "AWS::CloudWatch::CompositeAlarm",
      Properties: { AlarmName: "c", AlarmRule: rule, ...actions },
    });
    expect(rules({ Resources: { C: composite("x".repeat(MAX_COMPOSITE_RULE_CHARS)) } })).toEqual([]);
    expect(rules({ Resources: { C: composite("x".repeat(MAX_COMPOSITE_RULE_CHARS + 1)) } })).toEqual(["composite-rule-length:C"]);
  });

  test("names within their limits: alarm 255 (PutMetricAlarm), function 64 (CreateFunction), queue 80 (CreateQueue)", () => {
    expect(rules({ Resources: { A: alarm({ ...actions, AlarmName: "a".repeat(255) }) } })).toEqual([]);
    expect(rules({ Resources: { A: alarm({ ...actions, AlarmName: "a".repeat(256) }) } })).toEqual(["name-length:A"]);
    expect(rules({ Resources: { F: { Type: "AWS::Lambda::Function", Properties: { FunctionName: "f".repeat(65) } } } })).toEqual([
      "name-length:F",
    ]);
    expect(rules({ Resources: { Q: { Type: "AWS::SQS::Queue", Properties: { QueueName: "q".repeat(81) } } } })).toEqual(["name-length:Q"]);
  });

  test("a paging alarm sends OK to the same tier; a silent alarm must be the child of a composite that pages with both", () => {
    expect(rules({ Resources: { A: alarm({ AlarmActions: [topic("P1")], OKActions: [topic("P2")] }) } })).toEqual(["ok-actions:A"]);
    expect(rules({ Resources: { A: alarm({ AlarmActions: [topic("P1")] }) } })).toEqual(["ok-actions:A"]);
    expect(rules({ Resources: { A: alarm({}) } })).toEqual(["ok-actions:A"]);
    const child = alarm({});
    const composite = (ok: unknown[]) => ({
      Type: "AWS::CloudWatch::CompositeAlarm",
      Properties: {
        AlarmName: "c",
        AlarmRule: { "Fn::Join": ["", ['ALARM("', { "Fn::GetAtt": ["Child", "Arn"] }, '")']] },
        AlarmActions: [topic("P2")],
        OKActions: ok,
      },
    });
    expect(rules({ Resources: { Child: child, C: composite([topic("P2")]) } })).toEqual([]);
    expect(rules({ Resources: { Child: child, C: composite([]) } }).sort()).toEqual(["ok-actions:C", "ok-actions:Child"]);
  });
});
