/**
 * RedfishPoller: the scheduled Lambda that polls BMCs out of band and writes one snapshot per
 * BMC per poll to the telemetry stream.
 *
 * - Runs in the VPC and subnets the config names (BMC networks are private), with a security
 *   group whose egress is HTTPS to the BMC CIDRs (plus any custom BMC ports) and HTTPS for the
 *   AWS APIs it calls (Kinesis, Secrets Manager) through NAT or interface endpoints.
 * - The inventory is cut into shards of `redfish.shardSize`; one EventBridge Scheduler schedule
 *   per shard invokes the function with {"shard": n}. The inventory itself (endpoints, cluster
 *   settings, public CA bundles; no secrets) is bundled next to the handler as inventory.json:
 *   Scheduler's target input is limited to 8 KB and Lambda environment variables to 4 KB, and a
 *   bundled file changes the asset hash, so editing the config redeploys the function.
 * - Reads each cluster's credentials secret at run time (grant by name, nothing resolved here).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Annotations, Duration } from "aws-cdk-lib";
import { Peer, Port, SecurityGroup } from "aws-cdk-lib/aws-ec2";
import type { IStream } from "aws-cdk-lib/aws-kinesis";
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import { Construct } from "constructs";
import { gpuTemperatureThresholds } from "../../core/catalog/gpu-temperature-thresholds";
import type { EnvironmentConfig } from "../../core/config/schema";
import { buildInventory, type Inventory } from "../../core/contracts/redfish-inventory";
import { importBmcNetwork } from "../constructs/bmc-network";
import { FleetWatchFunction } from "../constructs/fleetwatch-function";
import { SCHEDULED_POLLER_ASYNC } from "../constructs/invoke-limits";
import { logRetention } from "../constructs/retention";
import { SchedulerInvokeRole } from "../constructs/scheduler-invoke-role";
import { grantReadSecretByName } from "../constructs/secret-by-name";

/** Repository root: CA bundle paths in the config are relative to it. */
const REPO_ROOT = resolve(import.meta.dirname, "..", "..");

export interface RedfishPollerProps {
  readonly config: EnvironmentConfig;
  /** The telemetry stream (TelemetryPipeline's); the poller is granted write on it. */
  readonly stream: IStream;
  /** Memory for the poller (MB). Default 1024: TLS handshakes and JSON parsing are CPU-bound. */
  readonly memorySize?: number;
  /** Directory that caBundleFile paths are relative to. Default: the repository root. */
  readonly configRoot?: string;
}

export class RedfishPoller extends Construct {
  readonly function: FleetWatchFunction;
  readonly securityGroup: SecurityGroup;
  readonly schedules: Schedule[];
  readonly inventory: Inventory;

  constructor(scope: Construct, id: string, props: RedfishPollerProps) {
    super(scope, id);
    const { config, stream } = props;
    const redfish = config.redfish;
    this.inventory = buildInventory({
      environment: config.name,
      shardSize: redfish.shardSize,
      requestTimeoutMs: redfish.requestTimeoutMs,
      concurrency: redfish.concurrency,
      intervalSeconds: redfish.intervalSeconds,
      gpuTemperatureCriticalC: gpuTemperatureThresholds(config).criticalC,
      clusters: redfish.clusters.map((c, i) => ({
        name: c.name,
        bmcs: c.bmcs,
        credentialsSecretName: c.credentialsSecretName,
        auth: c.auth,
        insecureSkipTlsVerify: c.insecureSkipTlsVerify,
        caBundle: c.caBundleFile
          ? readCaBundle(props.configRoot ?? REPO_ROOT, c.caBundleFile, `redfish.clusters[${i}].caBundleFile`)
          : undefined,
      })),
    });
    const inventoryFile = join(mkdtempSync(join(tmpdir(), "fw-inventory-")), "inventory.json");
    writeFileSync(inventoryFile, JSON.stringify(this.inventory));

    const { vpc, subnets } = importBmcNetwork(this, redfish.network);

    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      vpc,
      allowAllOutbound: false,
      description: `FleetWatch ${config.name} redfish-poller: HTTPS to BMCs and AWS APIs only`,
    });
    const ports = new Set<number>([443]);
    for (const [, bmc] of this.inventory.shards.flatMap((s) => s.bmcs)) {
      const port = /:(\d{1,5})$/.exec(bmc.replace(/^\[.*\]/, ""));
      if (port) ports.add(Number(port[1]));
    }
    for (const cidr of redfish.network.bmcCidrs) {
      for (const port of [...ports].sort((a, b) => a - b))
        this.securityGroup.addEgressRule(Peer.ipv4(cidr), Port.tcp(port), `Redfish to BMCs in ${cidr}`);
    }
    // The AWS APIs (Kinesis, Secrets Manager): the interface endpoints' subnets when configured;
    // anywhere on 443 only for a NAT path, which the config must then say (or gets a warning).
    const awsApiCidrs = redfish.network.awsApiEgressCidrs ?? ["0.0.0.0/0"];
    if (!redfish.network.awsApiEgressCidrs) {
      Annotations.of(this).addWarningV2(
        "fleetwatch:pollerEgressAnywhere",
        "redfish.network.awsApiEgressCidrs is not set: the poller may open HTTPS to 0.0.0.0/0 for the AWS APIs; set it to your interface VPC endpoints' subnet CIDRs",
      );
    }
    for (const cidr of awsApiCidrs) {
      if (redfish.network.bmcCidrs.includes(cidr) && ports.has(443)) continue;
      this.securityGroup.addEgressRule(
        cidr === "0.0.0.0/0" ? Peer.anyIpv4() : Peer.ipv4(cidr),
        Port.tcp(443),
        `AWS APIs (Kinesis, Secrets Manager) via ${cidr === "0.0.0.0/0" ? "NAT" : `endpoints in ${cidr}`}`,
      );
    }

    this.function = new FleetWatchFunction(this, "Function", {
      lambdaName: "redfish-poller",
      environmentName: config.name,
      logRetention: logRetention(config.retention.logDays),
      memorySize: props.memorySize ?? 1024,
      // A sweep must finish inside the 60 s cycle; the handler stops polling 10 s before this to flush.
      timeout: Duration.seconds(Math.min(55, Math.max(30, redfish.intervalSeconds - 5))),
      description: `FleetWatch ${config.name}: polls Redfish BMCs (${this.inventory.shards.length} shard(s))`,
      vpc,
      vpcSubnets: { subnets },
      securityGroups: [this.securityGroup],
      // Scheduled: a failed sweep is superseded by the next one, never retried by Lambda on top of it.
      ...SCHEDULED_POLLER_ASYNC,
      environment: {
        STREAM_NAME: stream.streamName,
        // Bound the V8 heap to half the function's memory: left alone, V8 grows lazily towards the
        // limit while TLS and socket buffers live outside it (npm run bench:poller runs the same way).
        NODE_OPTIONS: `--enable-source-maps --max-old-space-size=${Math.floor((props.memorySize ?? 1024) / 2)}`,
      },
      bundling: {
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [`cp "${inventoryFile}" "${join(outputDir, "inventory.json")}"`],
        },
      },
    });
    stream.grantWrite(this.function);

    const secretNames = [...new Set(redfish.clusters.map((c) => c.credentialsSecretName))];
    secretNames.forEach((name, i) => {
      grantReadSecretByName(this, `Credentials${i}`, name, this.function);
    });

    // Our own role for the schedules, so the invoke grant is reviewed here, next to its reason.
    const schedulerRole = new SchedulerInvokeRole(this, "SchedulerRole", {
      target: this.function,
      description: `FleetWatch ${config.name}: EventBridge Scheduler invokes the redfish-poller`,
    });
    const minutes = Math.max(1, Math.round(redfish.intervalSeconds / 60));
    this.schedules = this.inventory.shards.map(
      (_shard, i) =>
        new Schedule(this, `Shard${i}Schedule`, {
          description: `FleetWatch ${config.name}: Redfish poll of shard ${i}`,
          schedule: ScheduleExpression.rate(Duration.minutes(minutes)),
          timeWindow: TimeWindow.off(),
          target: new LambdaInvoke(this.function, {
            role: schedulerRole,
            input: ScheduleTargetInput.fromObject({ shard: i }),
            // A missed minute is not worth polling late: the next schedule is seconds away.
            retryAttempts: 0,
            maxEventAge: Duration.minutes(1),
          }),
        }),
    );
  }
}

function readCaBundle(root: string, file: string, field: string): string {
  let pem: string;
  try {
    pem = readFileSync(resolve(root, file), "utf8");
  } catch {
    throw new Error(
      `${field}: cannot read "${file}" (path relative to the repository root); point it at a PEM file with the BMCs' CA certificate(s)`,
    );
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----"))
    throw new Error(`${field}: "${file}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  if (/PRIVATE KEY-----/.test(pem))
    throw new Error(`${field}: "${file}" contains a private key; a CA bundle holds public certificates only`);
  return pem;
}
