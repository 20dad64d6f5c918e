/**
 * Deploy-time behaviour of the constructs that run Lambdas, synthesised in small stacks (code
 * bundling skipped): the VPC poller can create its ENIs, scheduled pollers are not retried by
 * Lambda, the P1 enricher has reserved concurrency and only the grants its code uses, and the
 * paging key admits services only on behalf of this account.
 */
import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { Stream } from "aws-cdk-lib/aws-kinesis";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../lib/config/load";
import { LAMBDA_MIN_UNRESERVED_CONCURRENCY, RESERVED_CONCURRENCY } from "../../lib/constructs/invoke-limits";
import { PagingTiers } from "../../lib/paging/paging-tiers";
import { RedfishPoller } from "../../lib/redfish/redfish-poller";
import { checkTemplate } from "../../scripts/deploy-preflight/template-rules";

const config = loadConfig("dev");
function stack() {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const s = new Stack(app, "T", { env: { account: "111111111111", region: "eu-west-1" } });
  return { s, stream: new Stream(s, "Stream") };
}

describe("RedfishPoller", () => {
  const { s, stream } = stack();
  new RedfishPoller(s, "Poller", { config, stream });
  const template = Template.fromStack(s);
  const json = template.toJSON();

  test("the VPC function's role can create, describe and delete its ENIs, before the function is created", () => {
    expect(checkTemplate(json).filter((f) => f.rule === "vpc-lambda-eni")).toEqual([]);
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"]),
            Resource: "*",
          }),
        ]),
      },
    });
  });

  test("egress is HTTPS to the BMC CIDRs and the AWS API endpoints' subnets from the config, never 0.0.0.0/0", () => {
    const sg = Object.values(json.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>).find(
      (r) => r.Type === "AWS::EC2::SecurityGroup",
    )!;
    const egress = (sg.Properties.SecurityGroupEgress as { CidrIp: string; FromPort: number }[])
      .map((e) => `${e.CidrIp}:${e.FromPort}`)
      .sort();
    const expected = [...config.redfish.network.bmcCidrs, ...(config.redfish.network.awsApiEgressCidrs ?? [])]
      .map((c) => `${c}:443`)
      .sort();
    expect(egress).toEqual(expected);
  });

  test("Lambda does not retry a failed sweep (the next scheduled sweep supersedes it)", () => {
    template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
  });
});

describe("PagingTiers", () => {
  const { s, stream } = stack();
  new PagingTiers(s, "Paging", { config, telemetryStream: stream });
  const template = Template.fromStack(s);
  const json = template.toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

  test("the P1 enricher has reserved concurrency, leaving Lambda's 100 unreserved", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      ReservedConcurrentExecutions: RESERVED_CONCURRENCY.p1Enricher,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: "p1-enricher" }) },
    });
    // The smallest regular account concurrency quota is 1,000 (Lambda quotas page).
    const reserved = Object.values(RESERVED_CONCURRENCY).reduce((a, b) => a + b, 0);
    expect(1000 - reserved).toBeGreaterThanOrEqual(LAMBDA_MIN_UNRESERVED_CONCURRENCY);
  });

  test("the enricher may read the stream the way its code does, and DescribeAlarms; nothing wider", () => {
    const actions = Object.values(json.Resources)
      .filter((r) => r.Type === "AWS::IAM::Policy" && JSON.stringify(r.Properties).includes("P1Enricher"))
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
      .flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
    expect(actions).toEqual(
      expect.arrayContaining(["kinesis:ListShards", "kinesis:GetShardIterator", "kinesis:GetRecords", "cloudwatch:DescribeAlarms"]),
    );
    for (const wide of ["kinesis:SubscribeToShard", "kinesis:ListStreams", "kinesis:DescribeStreamConsumer"])
      expect(actions).not.toContain(wide);
  });

  test("the paging key admits CloudWatch, Chatbot and SNS only for this account (and CloudWatch only for this environment's alarms)", () => {
    const key = Object.values(json.Resources).find((r) => r.Type === "AWS::KMS::Key")!;
    const statements = (
      key.Properties.KeyPolicy as { Statement: { Principal?: { Service?: string }; Condition?: Record<string, Record<string, unknown>> }[] }
    ).Statement;
    for (const service of ["cloudwatch.amazonaws.com", "chatbot.amazonaws.com", "sns.amazonaws.com"]) {
      const st = statements.find((x) => x.Principal?.Service === service);
      expect(st?.Condition?.StringEquals?.["aws:SourceAccount"], service).toBe("111111111111");
    }
    const cw = statements.find((x) => x.Principal?.Service === "cloudwatch.amazonaws.com");
    expect(JSON.stringify(cw?.Condition?.ArnLike?.["aws:SourceArn"])).toContain(":alarm:FleetWatch/dev/*");
  });
});
