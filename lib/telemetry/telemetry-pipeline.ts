/**
 * TelemetryPipeline: Kinesis (BMC snapshots) -> telemetry-ingest Lambda -> Timestream for
 * LiveAnalytics + fleet aggregates (EMF), with an encrypted SQS dead-letter queue.
 *
 * Every event-source-mapping setting is set here on purpose (defaults below, reasons in
 * docs/telemetry.md): the Lambda defaults retry a poison record for the stream's whole
 * retention and block its shard meanwhile.
 */
import { Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { type IStream, Stream, StreamEncryption, StreamMode } from "aws-cdk-lib/aws-kinesis";
import { Key } from "aws-cdk-lib/aws-kms";
import { type IEventSourceDlq, MetricType, StartingPosition } from "aws-cdk-lib/aws-lambda";
import { KinesisEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { BlockPublicAccess, Bucket, BucketEncryption } from "aws-cdk-lib/aws-s3";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { CfnDatabase, CfnTable } from "aws-cdk-lib/aws-timestream";
import { Construct } from "constructs";
import { gpuTemperatureThresholds } from "../../core/catalog/gpu-temperature-thresholds";
import type { EnvironmentConfig } from "../../core/config/schema";
import { POWER_CAP_MARGIN_PERCENT, SNAPSHOT_STALE_AFTER_SECONDS } from "../../core/constants";
import { FleetWatchFunction } from "../constructs/fleetwatch-function";
import { acknowledgeNag } from "../constructs/nag";
import { logRetention } from "../constructs/retention";
import { InfluxDbStore } from "./influxdb-store";

export interface TelemetryPipelineProps {
  readonly config: EnvironmentConfig;
  /** Records per invocation. @default 500 (one sweep of a 500-BMC shard: ~9,000 Timestream records, ~90 WriteRecords) */
  readonly batchSize?: number;
  /** Wait to fill a batch. @default 5 s (a sweep lands within seconds once a minute) */
  readonly maxBatchingWindow?: Duration;
  /** Invocation retries before the records go to the on-failure DLQ. @default 10 */
  readonly retryAttempts?: number;
  /** Records older than this go to the on-failure DLQ instead of being retried. @default 1 hour */
  readonly maxRecordAge?: Duration;
  /** Stream retention: how long an on-failure DLQ entry can still be re-driven. @default 24 hours */
  readonly streamRetention?: Duration;
  /** A BMC without a good snapshot for this long counts as stale. @default 5 minutes */
  readonly staleAfter?: Duration;
}

export const TIMESTREAM_TABLES = { components: "components", snapshots: "snapshots" } as const;

const STORE_TITLES = {
  "timestream-liveanalytics": "Timestream",
  "influxdb-provisioned": "Timestream for InfluxDB",
  "influxdb-existing": "InfluxDB",
  none: "no store (aggregates and logs only)",
} as const;

export class TelemetryPipeline extends Construct {
  /** The poller writes BMC snapshots here (partition key: the BMC). */
  readonly stream: IStream;
  readonly ingestFunction: FleetWatchFunction;
  /** Poison records, sink rejections (with reasons) and Lambda's on-failure records. */
  readonly deadLetterQueue: Queue;
  readonly key: Key;
  /** Timestream for LiveAnalytics only. */
  readonly timestreamDatabaseName?: string;
  readonly timestreamTableNames?: { readonly components: string; readonly snapshots: string };
  /** Timestream (LiveAnalytics) writes the reports of late records its magnetic store rejected here. */
  readonly rejectedDataBucket?: Bucket;
  /** Timestream for InfluxDB (provisioned) or an existing InfluxDB instance. */
  readonly influxDb?: InfluxDbStore;

  constructor(scope: Construct, id: string, props: TelemetryPipelineProps) {
    super(scope, id);
    const { config } = props;

    // One customer-managed key for the pipeline's data kept at rest: DLQ, Timestream, reports.
    this.key = new Key(this, "Key", {
      description:
        config.telemetryStore.kind === "timestream-liveanalytics"
          ? `FleetWatch ${config.name}: telemetry dead-letter queue, Timestream and its rejected-data reports`
          : `FleetWatch ${config.name}: telemetry dead-letter queue`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.stream = new Stream(this, "Stream", {
      // On-demand: shards follow the fleet; no capacity planning per cluster added.
      streamMode: StreamMode.ON_DEMAND,
      // The AWS-managed aws/kinesis key (cdk-nag KDS3): producers and readers need no key grants,
      // and the records live only hours; the long-lived copies (Timestream, DLQ) use the CMK.
      encryption: StreamEncryption.MANAGED,
      retentionPeriod: props.streamRetention ?? Duration.hours(24),
    });

    this.deadLetterQueue = new Queue(this, "DeadLetterQueue", {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
    });
    acknowledgeNag(
      this.deadLetterQueue,
      "AwsSolutions-SQS3",
      "This queue IS the dead-letter queue (the event source mapping's on-failure destination and the ingest's poison/rejection queue).",
    );

    const store = config.telemetryStore;
    const liveAnalytics = store.kind === "timestream-liveanalytics" ? this.liveAnalyticsTables(config) : undefined;
    if (store.kind === "influxdb-provisioned" || store.kind === "influxdb-existing") {
      this.influxDb = new InfluxDbStore(this, "InfluxDb", { config });
    }

    const thresholds = gpuTemperatureThresholds(config);
    const staleAfter = props.staleAfter ?? Duration.seconds(SNAPSHOT_STALE_AFTER_SECONDS);
    this.ingestFunction = new FleetWatchFunction(this, "IngestFunction", {
      lambdaName: "telemetry-ingest",
      environmentName: config.name,
      logRetention: logRetention(config.retention.logDays),
      // CPU-bound JSON parse/shape of ~500 snapshots plus ~150 concurrent WriteRecords calls.
      memorySize: 1024,
      // A batch takes seconds; 60 s leaves room for Timestream throttling backoff.
      timeout: Duration.seconds(60),
      description: `FleetWatch ${config.name}: BMC snapshots from Kinesis into ${STORE_TITLES[store.kind]} and fleet aggregates`,
      // A VPC-only InfluxDB instance is reached from the BMC VPC's private subnets.
      ...(this.influxDb
        ? { vpc: this.influxDb.vpc, vpcSubnets: { subnets: this.influxDb.subnets }, securityGroups: this.influxDb.securityGroups }
        : {}),
      environment: {
        ...(liveAnalytics
          ? {
              TIMESTREAM_DATABASE: liveAnalytics.databaseName,
              TIMESTREAM_TABLE_COMPONENTS: TIMESTREAM_TABLES.components,
              TIMESTREAM_TABLE_SNAPSHOTS: TIMESTREAM_TABLES.snapshots,
            }
          : {}),
        DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.queueUrl,
        GPU_TEMPERATURE_WARN_C: String(thresholds.warnC),
        GPU_TEMPERATURE_CRITICAL_C: String(thresholds.criticalC),
        STALE_AFTER_SECONDS: String(staleAfter.toSeconds()),
        POWER_CAP_MARGIN_PERCENT: String(POWER_CAP_MARGIN_PERCENT),
        ...(liveAnalytics ? { TIMESTREAM_WRITE_CONCURRENCY: "8" } : {}),
        // The ingest's settings default to LiveAnalytics, whose template stays as it was.
        ...(store.kind === "none" ? { TELEMETRY_STORE: "none" } : {}),
        ...(this.influxDb
          ? {
              TELEMETRY_STORE: "influxdb",
              INFLUX_URL: this.influxDb.url,
              INFLUX_ORG: this.influxDb.organization,
              INFLUX_BUCKET: this.influxDb.bucket,
              INFLUX_TOKEN_SECRET: this.influxDb.writeTokenSecret.secretName,
              INFLUX_WRITE_CONCURRENCY: "4",
            }
          : {}),
      },
    });

    this.ingestFunction.addEventSource(
      new KinesisEventSource(this.stream, {
        // LATEST, deliberately: a re-created mapping (a replaced function, a changed setting that
        // forces replacement) must not replay the stream's 24 h. The store would absorb a replay
        // (overwrites), but CloudWatch sums would count it again under the minutes it describes,
        // doubling GPU-hours and the 24 h gpu-spend alarm. What is missed (the seconds between the
        // old mapping's last checkpoint and the new one's start) is re-readable with the re-drive
        // script while inside the stream's retention (docs/telemetry.md).
        startingPosition: StartingPosition.LATEST,
        batchSize: props.batchSize ?? 500,
        maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(5),
        // A failing batch is split until the failing record is alone, so good records move on.
        bisectBatchOnError: true,
        // The handler reports exactly which records failed; Lambda retries from the first of them.
        reportBatchItemFailures: true,
        // Bounded: the default (-1) retries until the record expires and blocks the shard meanwhile.
        retryAttempts: props.retryAttempts ?? 10,
        maxRecordAge: props.maxRecordAge ?? Duration.hours(1),
        // One batch per shard at a time keeps each BMC's snapshots in order (ECC deltas, staleness).
        parallelizationFactor: 1,
        // Our own binding instead of SqsDlq: SqsDlq grants kms:Encrypt and kms:ReEncrypt* on the key
        // as well; the grants below are exactly what sending to a KMS-encrypted queue needs.
        onFailure: onFailureQueue(this.deadLetterQueue),
        // EventCount metrics (polled, filtered, dropped) for the pipeline dashboard: a few metrics per mapping.
        metricsConfig: { metrics: [MetricType.EVENT_COUNT] },
      }),
    );
    // Sending to an SSE-KMS queue needs kms:GenerateDataKey and kms:Decrypt on its key (SQS
    // Developer Guide, "Key management": https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html);
    // the handler's dead letters and Lambda's on-failure records both go out with the function's role.
    this.ingestFunction.addToRolePolicy(new PolicyStatement({ actions: ["sqs:SendMessage"], resources: [this.deadLetterQueue.queueArn] }));

    if (liveAnalytics) {
      const account = Stack.of(this).account;
      const region = Stack.of(this).region;
      const partition = Stack.of(this).partition;
      this.ingestFunction.addToRolePolicy(
        new PolicyStatement({
          actions: ["timestream:WriteRecords"],
          resources: liveAnalytics.tables.map(
            (t) => `arn:${partition}:timestream:${region}:${account}:database/${liveAnalytics.databaseName}/table/${t.tableName}`,
          ),
        }),
      );
      this.ingestFunction.addToRolePolicy(new PolicyStatement({ actions: ["timestream:DescribeEndpoints"], resources: ["*"] }));
    }
    // In the VPC, FleetWatchFunction gives the role the network-interface actions Lambda needs.
    this.influxDb?.writeTokenSecret.grantRead(this.ingestFunction);
    // Timestream encrypts with the database's key on the writer's behalf; the DLQ needs Decrypt and GenerateDataKey.
    this.key.grant(this.ingestFunction, "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey");
    const role = this.ingestFunction.role;
    if (role) {
      if (liveAnalytics) {
        acknowledgeNag(
          role,
          "AwsSolutions-IAM5[Resource::*]",
          "timestream:DescribeEndpoints has no resource-level permissions (endpoint discovery, required by every Timestream Write SDK call).",
        );
      }
      acknowledgeNag(
        role,
        "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
        "kms:GenerateDataKey* on the pipeline's own key only: sending to the KMS-encrypted dead-letter queue and writing Timestream.",
      );
    }
  }
  /** Timestream for LiveAnalytics: database, tables and the rejected-data bucket, exactly as before the store became a choice. */
  private liveAnalyticsTables(config: EnvironmentConfig): { databaseName: string; tables: CfnTable[] } {
    const rejectedDataBucket = new Bucket(this, "RejectedDataBucket", {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      rejectedDataBucket,
      "AwsSolutions-S1",
      "Only Timestream writes here (error reports of rejected late records); no user access to audit, and a log bucket per report bucket adds cost without a reader.",
    );

    const databaseName = `fleetwatch_${config.name.replace(/-/g, "_")}`;
    const database = new CfnDatabase(this, "Database", { databaseName, kmsKeyId: this.key.keyArn });
    database.applyRemovalPolicy(RemovalPolicy.RETAIN);
    acknowledgeMaintenanceMode(database);
    const tables = Object.values(TIMESTREAM_TABLES).map((tableName) => {
      const table = new CfnTable(this, `Table-${tableName}`, {
        // Ref of the database is its name: the table waits for the database.
        databaseName: database.ref,
        tableName,
        // These two properties are untyped JSON in the L1: CloudFormation's own (PascalCase) keys.
        retentionProperties: {
          MemoryStoreRetentionPeriodInHours: String(config.retention.timestreamMemoryHours),
          MagneticStoreRetentionPeriodInDays: String(config.retention.timestreamMagneticDays),
        },
        // Late data (a backlog older than the memory store) goes to magnetic storage instead of
        // being rejected; what the magnetic store rejects later is reported to S3.
        magneticStoreWriteProperties: {
          EnableMagneticStoreWrites: true,
          MagneticStoreRejectedDataLocation: {
            S3Configuration: {
              BucketName: rejectedDataBucket.bucketName,
              EncryptionOption: "SSE_KMS",
              KmsKeyId: this.key.keyArn,
              ObjectKeyPrefix: `${tableName}/`,
            },
          },
        },
      });
      table.applyRemovalPolicy(RemovalPolicy.RETAIN);
      acknowledgeMaintenanceMode(table);
      return table;
    });
    Object.assign(this, { rejectedDataBucket, timestreamDatabaseName: databaseName, timestreamTableNames: TIMESTREAM_TABLES });
    return { databaseName, tables };
  }
}

/** The event source mapping's on-failure destination, without SqsDlq's wider key grants. */
function onFailureQueue(queue: Queue): IEventSourceDlq {
  return { bind: () => ({ destination: queue.queueArn }) };
}

/**
 * CloudFormation's validator warns that Timestream (LiveAnalytics) is in maintenance mode since
 * 2025-06-20. Known and deliberate for accounts that have it; docs/telemetry.md says what a new
 * account does instead (the sink is behind the TelemetrySink interface).
 */
function acknowledgeMaintenanceMode(resource: Construct): void {
  Validations.of(resource).acknowledge({
    id: "CloudFormation-Validate::W3697",
    reason:
      "Timestream for LiveAnalytics is closed to new accounts since 2025-06-20 but keeps serving existing ones; new accounts use another TelemetrySink (docs/telemetry.md).",
  });
}
