/**
 * `telemetryStore`: where the ingest keeps per-component GPU telemetry, chosen per environment.
 * docs/telemetry.md compares the options (query language, retention, cost, SLA).
 *
 * - `influxdb-provisioned` (default): Amazon Timestream for InfluxDB, created by the stack in the
 *   BMC VPC's private subnets. Deploys in a brand-new account, in the regions that offer it.
 * - `influxdb-existing`: an InfluxDB 2.x-compatible instance you already run (URL, organisation,
 *   bucket, and the Secrets Manager name of a write token).
 * - `timestream-liveanalytics`: Timestream for LiveAnalytics, only for accounts that used it
 *   before 2025-06-20 (AWS closed it to new accounts).
 * - `none`: CloudWatch aggregates and structured logs only.
 */
import { z } from "zod";

/** AWS::Timestream::InfluxDBInstance DbInstanceType (CloudFormation resource schema enum). */
export const INFLUXDB_INSTANCE_TYPES = [
  "db.influx.medium",
  "db.influx.large",
  "db.influx.xlarge",
  "db.influx.2xlarge",
  "db.influx.4xlarge",
  "db.influx.8xlarge",
  "db.influx.12xlarge",
  "db.influx.16xlarge",
  "db.influx.24xlarge",
] as const;
export type InfluxDbInstanceType = (typeof INFLUXDB_INSTANCE_TYPES)[number];

/**
 * Regions (of those FleetWatch supports) whose CloudFormation registry has
 * AWS::Timestream::InfluxDBInstance, per the per-region resource specifications cfn-lint ships
 * (a template with the resource elsewhere fails cfn-lint's E3006 and the deploy).
 */
export const TIMESTREAM_INFLUXDB_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-2",
  "ca-central-1",
  "eu-central-1",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "me-central-1",
  "ap-northeast-1",
  "ap-south-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
] as const;

const secretName = z
  .string()
  .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, "a Secrets Manager secret *name* (letters, digits, / _ + = . @ -), not the token itself");

export const InfluxProvisionedSchema = z.strictObject({
  kind: z.literal("influxdb-provisioned"),
  /** Compute class; db.influx.medium (1 vCPU / 8 GiB) holds FleetWatch's write rate to ~2,000 BMCs (docs/telemetry.md). */
  dbInstanceType: z.enum(INFLUXDB_INSTANCE_TYPES).default("db.influx.medium"),
  /** GiB of InfluxIOIncludedT1 storage (3,000 IOPS); CloudFormation allows 20-16384. */
  allocatedStorageGiB: z.number().int().min(20, "Timestream for InfluxDB allocates at least 20 GiB").max(16384).default(20),
  /** WITH_MULTIAZ_STANDBY doubles the instance cost and needs subnets in two availability zones. */
  deploymentType: z.enum(["SINGLE_AZ", "WITH_MULTIAZ_STANDBY"]).default("SINGLE_AZ"),
  organization: z.string().min(1).max(64).default("fleetwatch"),
  bucket: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[^_"][^"]*$/, 'a bucket name may not start with "_" or contain \'"\'')
    .default("gpu-telemetry"),
});

export const InfluxExistingSchema = z.strictObject({
  kind: z.literal("influxdb-existing"),
  /** Base URL of the instance, e.g. https://<id>-<hash>.<region>.timestream-influxdb.amazonaws.com:8086 */
  url: z.url({ protocol: /^https$/, error: "an https:// URL of the InfluxDB instance (its endpoint and port)" }),
  organization: z.string().min(1).max(64),
  bucket: z.string().min(2).max(64),
  /** Secret whose value is an InfluxDB API token with write permission on the bucket only. */
  writeTokenSecretName: secretName,
});

export const TelemetryStoreSchema = z.discriminatedUnion(
  "kind",
  [
    InfluxProvisionedSchema,
    InfluxExistingSchema,
    z.strictObject({ kind: z.literal("timestream-liveanalytics") }),
    z.strictObject({ kind: z.literal("none") }),
  ],
  {
    error: () =>
      'kind must be one of "influxdb-provisioned", "influxdb-existing", "timestream-liveanalytics" (accounts that used it before 2025-06-20), "none"',
  },
);

export type TelemetryStoreConfig = z.infer<typeof TelemetryStoreSchema>;

/** What a config without `telemetryStore` gets: a store a brand-new account can deploy. */
export const DEFAULT_TELEMETRY_STORE = InfluxProvisionedSchema.parse({ kind: "influxdb-provisioned" });

/** Timestream for InfluxDB instance name: 3-40 characters, letters/digits, single hyphens between. */
export function influxInstanceName(environmentName: string): string {
  return `fleetwatch-${environmentName}`;
}

/** Cross-field checks of the store against the rest of the environment (region, network, name). */
export function telemetryStoreIssues(config: {
  name: string;
  region: string;
  telemetryStore: TelemetryStoreConfig;
  redfish: { network: { subnetIds: readonly string[]; availabilityZones: readonly string[] } };
}): Array<{ path: (string | number)[]; message: string }> {
  const store = config.telemetryStore;
  if (store.kind !== "influxdb-provisioned") return [];
  const issues: Array<{ path: (string | number)[]; message: string }> = [];
  if (!(TIMESTREAM_INFLUXDB_REGIONS as readonly string[]).includes(config.region)) {
    issues.push({
      path: ["telemetryStore", "kind"],
      message: `Timestream for InfluxDB is not available in ${config.region}; use "influxdb-existing" (an instance in another region), "timestream-liveanalytics" (if this account has it) or "none". Regions: ${TIMESTREAM_INFLUXDB_REGIONS.join(", ")}`,
    });
  }
  const name = influxInstanceName(config.name);
  if (name.length > 40 || !/^[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*$/.test(name)) {
    issues.push({
      path: ["name"],
      message: `the InfluxDB instance name "${name}" must be 3-40 characters with single hyphens between letters/digits: use an environment name of at most 29 characters without "--" or a trailing "-"`,
    });
  }
  if (store.deploymentType === "WITH_MULTIAZ_STANDBY" && new Set(config.redfish.network.availabilityZones).size < 2) {
    issues.push({
      path: ["telemetryStore", "deploymentType"],
      message:
        "WITH_MULTIAZ_STANDBY needs subnets in two availability zones (redfish.network); use SINGLE_AZ or add a subnet in a second zone",
    });
  }
  return issues;
}
