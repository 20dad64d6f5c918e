/**
 * Each telemetry store choice synthesised with cdk-nag (an unacknowledged finding fails synth),
 * and the configuration's checks of the choice.
 */
import { Stack } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, test } from "vitest";
import { type EnvironmentConfig, EnvironmentConfigSchema } from "../../core/config/schema";
import { loadConfig } from "../../lib/config/load";
import { WRITE_TOKEN_PLACEHOLDER } from "../../lib/telemetry/influxdb-store";
import { synthPipeline } from "./support/pipeline-template";

const dev = loadConfig("dev");
const withStore = (store: unknown, over: Record<string, unknown> = {}) => {
  const { telemetryStore: _, ...rest } = dev;
  return EnvironmentConfigSchema.parse({ ...rest, ...over, telemetryStore: store }) as EnvironmentConfig;
};

function ingestPolicyActions(template: ReturnType<typeof synthPipeline>["template"]): string[] {
  return Object.entries(template.findResources("AWS::IAM::Policy"))
    .filter(([id]) => id.startsWith("TelemetryIngestFunction"))
    .flatMap(([, p]) => (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>).flatMap((s) => [s.Action].flat()));
}

describe("configuration", () => {
  test("the default store is Timestream for InfluxDB, provisioned (a brand-new account can deploy it)", () => {
    const { telemetryStore: _, ...rest } = dev;
    const parsed = EnvironmentConfigSchema.parse(rest);
    expect(parsed.telemetryStore).toEqual({
      kind: "influxdb-provisioned",
      dbInstanceType: "db.influx.medium",
      allocatedStorageGiB: 20,
      deploymentType: "SINGLE_AZ",
      organization: "fleetwatch",
      bucket: "gpu-telemetry",
    });
    expect(dev.telemetryStore.kind).toBe("influxdb-provisioned");
  });

  test("a region without Timestream for InfluxDB fails with the field and the alternatives", () => {
    const parsed = EnvironmentConfigSchema.safeParse({ ...dev, region: "af-south-1" });
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues.find((i) => i.path.join(".") === "telemetryStore.kind");
    expect(issue?.message).toMatch(/not available in af-south-1; use "influxdb-existing".*"none"/);
  });

  test("an unknown kind, a too-small disk and a plain-http existing URL are refused with what is allowed", () => {
    const bad = (store: unknown) => EnvironmentConfigSchema.safeParse({ ...dev, telemetryStore: store });
    expect(bad({ kind: "influx" }).error?.issues[0]?.message).toMatch(/kind must be one of "influxdb-provisioned", "influxdb-existing"/);
    expect(bad({ kind: "influxdb-provisioned", allocatedStorageGiB: 10 }).error?.issues[0]?.message).toMatch(/at least 20 GiB/);
    const existing = bad({
      kind: "influxdb-existing",
      url: "http://influx.internal:8086",
      organization: "o",
      bucket: "b",
      writeTokenSecretName: "fw/token",
    });
    expect(existing.error?.issues[0]?.path).toEqual(["telemetryStore", "url"]);
    expect(existing.error?.issues[0]?.message).toMatch(/https:\/\/ URL/);
  });

  test("Multi-AZ standby needs two availability zones; an environment name too long for the instance name is refused", () => {
    const oneAz = { ...dev.redfish, network: { ...dev.redfish.network, availabilityZones: ["eu-west-1a"] } };
    const multi = EnvironmentConfigSchema.safeParse({
      ...dev,
      redfish: oneAz,
      telemetryStore: { kind: "influxdb-provisioned", deploymentType: "WITH_MULTIAZ_STANDBY" },
    });
    expect(multi.error?.issues.map((i) => i.path.join("."))).toEqual(["telemetryStore.deploymentType"]);
    const long = EnvironmentConfigSchema.safeParse({ ...dev, name: "a".repeat(30) });
    expect(long.error?.issues.find((i) => i.path.join(".") === "name")?.message).toMatch(/3-40 characters/);
  });
});

describe("influxdb-provisioned (config/dev.json)", () => {
  const { pipeline, template } = synthPipeline(dev);

  test("a private Timestream for InfluxDB instance in the configured subnets, retained, password resolved at deploy time", () => {
    const instances = template.findResources("AWS::Timestream::InfluxDBInstance");
    const [instance] = Object.values(instances);
    expect(Object.keys(instances)).toHaveLength(1);
    expect(instance?.DeletionPolicy).toBe("Retain");
    expect(instance?.UpdateReplacePolicy).toBe("Retain");
    expect(instance?.Properties).toMatchObject({
      Name: "fleetwatch-dev",
      DbInstanceType: "db.influx.medium",
      DbStorageType: "InfluxIOIncludedT1",
      AllocatedStorage: 20,
      DeploymentType: "SINGLE_AZ",
      PubliclyAccessible: false,
      Port: 8086,
      Organization: "fleetwatch",
      Bucket: "gpu-telemetry",
      VpcSubnetIds: dev.redfish.network.subnetIds,
    });
    // A dynamic reference, never the password itself.
    expect(JSON.stringify(instance?.Properties.Password)).toMatch(/\{\{resolve:secretsmanager:.*:SecretString:password::\}\}/);
    template.hasResourceProperties("AWS::SecretsManager::Secret", {
      GenerateSecretString: Match.objectLike({ GenerateStringKey: "password", ExcludePunctuation: true, PasswordLength: 40 }),
    });
    // Timestream for LiveAnalytics is not created (it fails in a new account).
    expect(template.findResources("AWS::Timestream::Database")).toEqual({});
    expect(template.findResources("AWS::Timestream::Table")).toEqual({});
  });

  test("the instance's security group admits only the ingest's security group, on 8086", () => {
    const ingestGroup = pipeline.influxDb?.ingestSecurityGroup;
    if (!ingestGroup) throw new Error("an InfluxDB pipeline exposes the ingest's security group");
    const ingress = Object.values(template.findResources("AWS::EC2::SecurityGroupIngress"));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]?.Properties).toMatchObject({ IpProtocol: "tcp", FromPort: 8086, ToPort: 8086 });
    // The one source is the exposed group (a GetAtt of its GroupId in the template).
    expect(ingress[0]?.Properties.SourceSecurityGroupId).toEqual(Stack.of(ingestGroup).resolve(ingestGroup.securityGroupId));
    expect(ingress[0]?.Properties.SourceSecurityGroupId["Fn::GetAtt"][0]).toMatch(/^TelemetryInfluxDbIngestSecurityGroup/);
    const groups = Object.entries(template.findResources("AWS::EC2::SecurityGroup"));
    const instanceGroup = groups.find(([id]) => id.includes("InstanceSecurityGroup"))?.[1];
    expect(instanceGroup?.Properties.SecurityGroupIngress).toBeUndefined();
  });

  test("the ingest runs in the VPC, manages its network interfaces, reads only its token secret, and is told where to write", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      VpcConfig: { SubnetIds: dev.redfish.network.subnetIds, SecurityGroupIds: Match.anyValue() },
      Environment: {
        Variables: Match.objectLike({
          TELEMETRY_STORE: "influxdb",
          INFLUX_ORG: "fleetwatch",
          INFLUX_BUCKET: "gpu-telemetry",
          INFLUX_URL: { "Fn::Join": ["", ["https://", { "Fn::GetAtt": [Match.stringLikeRegexp("Instance"), "Endpoint"] }, ":8086"]] },
          INFLUX_TOKEN_SECRET: Match.anyValue(),
        }),
      },
    });
    const actions = ingestPolicyActions(template);
    expect(actions).toEqual(
      expect.arrayContaining(["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"]),
    );
    expect(actions).toContain("secretsmanager:GetSecretValue");
    expect(actions.filter((a) => a.startsWith("timestream:"))).toEqual([]);
    expect(actions).not.toContain("kms:Encrypt");
  });

  test("the write-token secret starts with the placeholder the ingest refuses; nothing secret is in the template", () => {
    template.hasResourceProperties("AWS::SecretsManager::Secret", { SecretString: WRITE_TOKEN_PLACEHOLDER });
    template.hasOutput("*", { Value: { "Fn::GetAtt": [Match.anyValue(), "InfluxAuthParametersSecretArn"] } });
  });
});

describe("influxdb-existing", () => {
  const config = withStore({
    kind: "influxdb-existing",
    url: "https://abc123-xyz.eu-west-1.timestream-influxdb.amazonaws.com:8086",
    organization: "platform",
    bucket: "gpus",
    writeTokenSecretName: "fleetwatch/dev/influx-write-token",
  });
  const { template } = synthPipeline(config);

  test("no instance is created; the ingest writes to the named instance from the VPC with the named token secret", () => {
    expect(template.findResources("AWS::Timestream::InfluxDBInstance")).toEqual({});
    template.hasResourceProperties("AWS::Lambda::Function", {
      VpcConfig: Match.objectLike({ SubnetIds: dev.redfish.network.subnetIds }),
      Environment: {
        Variables: Match.objectLike({
          TELEMETRY_STORE: "influxdb",
          INFLUX_URL: "https://abc123-xyz.eu-west-1.timestream-influxdb.amazonaws.com:8086",
          INFLUX_ORG: "platform",
          INFLUX_BUCKET: "gpus",
          INFLUX_TOKEN_SECRET: "fleetwatch/dev/influx-write-token",
        }),
      },
    });
    template.hasResourceProperties("AWS::EC2::SecurityGroup", {
      SecurityGroupEgress: Match.arrayWith([Match.objectLike({ FromPort: 8086, ToPort: 8086, IpProtocol: "tcp" })]),
    });
  });
});

describe("none", () => {
  const { template } = synthPipeline(withStore({ kind: "none" }));

  test("no store, no VPC: aggregates and logs only", () => {
    for (const type of [
      "AWS::Timestream::InfluxDBInstance",
      "AWS::Timestream::Database",
      "AWS::Timestream::Table",
      "AWS::EC2::SecurityGroup",
      "AWS::S3::Bucket",
    ]) {
      expect(template.findResources(type), type).toEqual({});
    }
    template.hasResourceProperties("AWS::Lambda::Function", {
      VpcConfig: Match.absent(),
      Environment: { Variables: Match.objectLike({ TELEMETRY_STORE: "none" }) },
    });
    expect(ingestPolicyActions(template).filter((a) => a.startsWith("timestream:") || a.startsWith("secretsmanager:"))).toEqual([]);
  });
});
