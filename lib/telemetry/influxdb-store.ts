/**
 * The InfluxDB side of the telemetry pipeline, for `telemetryStore.kind` "influxdb-provisioned"
 * (an Amazon Timestream for InfluxDB instance created here) and "influxdb-existing" (an instance
 * named in the config). Both place the ingest in the BMC VPC's private subnets with a security
 * group of its own; the provisioned instance admits only that security group.
 *
 * Provisioned instance (AWS::Timestream::InfluxDBInstance,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-timestream-influxdbinstance.html):
 * - private: PubliclyAccessible false, in up to 3 of the configured subnets (the property's
 *   maximum), port 8086;
 * - admin user and password from a generated Secrets Manager secret (the password property allows
 *   8-64 letters and digits only, so the generator excludes punctuation), resolved by
 *   CloudFormation at deploy time: the password never appears in the template;
 * - the resource has no deletion-protection property: DeletionPolicy and UpdateReplacePolicy are
 *   Retain (the per-GPU history outlives the stack; deleting it is a deliberate manual step), and
 *   the fixed instance name makes a replacement fail instead of silently creating an empty one;
 * - the ingest's write token lives in its own secret. InfluxDB tokens are made through the
 *   InfluxDB API, not CloudFormation: after the first deploy an operator creates a token with
 *   write permission on the bucket only and stores it there (docs/telemetry.md, "Write token").
 *   Until then the secret holds WRITE_TOKEN_PLACEHOLDER and the ingest says so at cold start.
 */
import { CfnOutput, RemovalPolicy, SecretValue } from "aws-cdk-lib";
import { type ISecurityGroup, type ISubnet, type IVpc, Peer, Port, SecurityGroup } from "aws-cdk-lib/aws-ec2";
import { type ISecret, Secret } from "aws-cdk-lib/aws-secretsmanager";
import { CfnInfluxDBInstance } from "aws-cdk-lib/aws-timestream";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../core/config/schema";
import { influxInstanceName } from "../../core/config/telemetry-store";
import { importBmcNetwork } from "../constructs/bmc-network";
import { acknowledgeNag } from "../constructs/nag";

/** What the write-token secret holds until an operator stores a real token (the ingest refuses it). */
export const WRITE_TOKEN_PLACEHOLDER = "REPLACE-WITH-AN-INFLUXDB-WRITE-TOKEN";
export const INFLUXDB_PORT = 8086;
/** Admin user name: starts with a letter, no hyphen at the end or twice in a row (CreateDbInstance). */
export const INFLUXDB_ADMIN_USER = "fleetwatchadmin";

export interface InfluxDbStoreProps {
  readonly config: EnvironmentConfig;
}

export class InfluxDbStore extends Construct {
  readonly vpc: IVpc;
  readonly subnets: ISubnet[];
  /** The ingest's security group: HTTPS to AWS APIs and the InfluxDB port. */
  readonly ingestSecurityGroup: SecurityGroup;
  /** Base URL the ingest writes to. */
  readonly url: string;
  readonly organization: string;
  readonly bucket: string;
  readonly writeTokenSecret: ISecret;
  /** Present for a provisioned instance. */
  readonly instance?: CfnInfluxDBInstance;
  readonly adminSecret?: Secret;
  readonly instanceSecurityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: InfluxDbStoreProps) {
    super(scope, id);
    const { config } = props;
    const store = config.telemetryStore;
    if (store.kind !== "influxdb-provisioned" && store.kind !== "influxdb-existing") {
      throw new Error(`InfluxDbStore needs telemetryStore.kind influxdb-provisioned or influxdb-existing, got ${store.kind}`);
    }
    const network = config.redfish.network;
    ({ vpc: this.vpc, subnets: this.subnets } = importBmcNetwork(this, network));

    this.ingestSecurityGroup = new SecurityGroup(this, "IngestSecurityGroup", {
      vpc: this.vpc,
      allowAllOutbound: false,
      description: `FleetWatch ${config.name} telemetry-ingest: InfluxDB writes and AWS APIs only`,
    });
    this.ingestSecurityGroup.addEgressRule(
      Peer.anyIpv4(),
      Port.tcp(443),
      "SQS and Secrets Manager APIs (through NAT or interface endpoints)",
    );

    if (store.kind === "influxdb-existing") {
      const port = Number(new URL(store.url).port || 443);
      if (port !== 443) this.ingestSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(port), "the existing InfluxDB instance");
      this.url = store.url.replace(/\/+$/, "");
      this.organization = store.organization;
      this.bucket = store.bucket;
      this.writeTokenSecret = Secret.fromSecretNameV2(this, "WriteToken", store.writeTokenSecretName);
      new CfnOutput(this, "IngestSecurityGroupId", {
        value: this.ingestSecurityGroup.securityGroupId,
        description: `Admit this security group on TCP ${port} in your InfluxDB instance's security group`,
      });
      return;
    }

    this.instanceSecurityGroup = new SecurityGroup(this, "InstanceSecurityGroup", {
      vpc: this.vpc,
      allowAllOutbound: false,
      description: `FleetWatch ${config.name} Timestream for InfluxDB: the ingest only`,
    });
    this.instanceSecurityGroup.addIngressRule(this.ingestSecurityGroup, Port.tcp(INFLUXDB_PORT), "telemetry-ingest writes");
    this.ingestSecurityGroup.addEgressRule(this.instanceSecurityGroup, Port.tcp(INFLUXDB_PORT), "Timestream for InfluxDB");

    this.adminSecret = new Secret(this, "AdminSecret", {
      description: `FleetWatch ${config.name}: Timestream for InfluxDB admin user (UI, CLI, making the write token)`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: INFLUXDB_ADMIN_USER }),
        generateStringKey: "password",
        // The instance accepts 8-64 letters and digits only.
        excludePunctuation: true,
        includeSpace: false,
        passwordLength: 40,
      },
      // The retained instance keeps this password.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      this.adminSecret,
      "AwsSolutions-SMG4",
      "The InfluxDB admin password is a create-only instance property; rotate it with the Timestream for InfluxDB rotation function on the secret the service creates (InfluxAuthParametersSecretArn output).",
    );

    this.organization = store.organization;
    this.bucket = store.bucket;
    this.instance = new CfnInfluxDBInstance(this, "Instance", {
      name: influxInstanceName(config.name),
      dbInstanceType: store.dbInstanceType,
      dbStorageType: "InfluxIOIncludedT1",
      allocatedStorage: store.allocatedStorageGiB,
      deploymentType: store.deploymentType,
      username: INFLUXDB_ADMIN_USER,
      password: this.adminSecret.secretValueFromJson("password").unsafeUnwrap(),
      organization: store.organization,
      bucket: store.bucket,
      publiclyAccessible: false,
      port: INFLUXDB_PORT,
      vpcSubnetIds: network.subnetIds.slice(0, 3),
      vpcSecurityGroupIds: [this.instanceSecurityGroup.securityGroupId],
    });
    this.instance.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.url = `https://${this.instance.attrEndpoint}:${INFLUXDB_PORT}`;

    this.writeTokenSecret = new Secret(this, "WriteToken", {
      description: `FleetWatch ${config.name}: InfluxDB API token with write permission on bucket ${store.bucket} only (docs/telemetry.md, "Write token")`,
      secretStringValue: SecretValue.unsafePlainText(WRITE_TOKEN_PLACEHOLDER),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      this.writeTokenSecret,
      "AwsSolutions-SMG4",
      "An InfluxDB API token is made through the InfluxDB API by an operator (docs/telemetry.md); rotating it means making a new token there, not a Secrets Manager rotation.",
    );

    new CfnOutput(this, "InfluxDbEndpoint", {
      value: this.instance.attrEndpoint,
      description: "Timestream for InfluxDB endpoint (port 8086, VPC only)",
    });
    new CfnOutput(this, "InfluxDbAuthParametersSecretArn", {
      value: this.instance.attrInfluxAuthParametersSecretArn,
      description: "The secret Timestream for InfluxDB created with the initial admin parameters",
    });
    new CfnOutput(this, "WriteTokenSecretName", {
      value: this.writeTokenSecret.secretName,
      description: "Put the ingest's InfluxDB write token here after the first deploy",
    });
  }

  /** Security groups of the ingest function. */
  get securityGroups(): ISecurityGroup[] {
    return [this.ingestSecurityGroup];
  }
}
