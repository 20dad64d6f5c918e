/**
 * RedfishPoller: the scheduled Lambda that polls BMCs out of band.
 * (Foundation scaffold: the function and its bundling path; the poller issue fills it in.)
 */
import { Duration } from "aws-cdk-lib";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema";
import { FleetWatchFunction } from "../constructs/fleetwatch-function";
import { logRetention } from "../constructs/retention";

export interface RedfishPollerProps {
  readonly config: EnvironmentConfig;
}

export class RedfishPoller extends Construct {
  readonly function: FleetWatchFunction;

  constructor(scope: Construct, id: string, props: RedfishPollerProps) {
    super(scope, id);
    const { config } = props;
    this.function = new FleetWatchFunction(this, "Function", {
      lambdaName: "redfish-poller",
      environmentName: config.name,
      logRetention: logRetention(config.retention.logDays),
      // One shard of BMCs per invocation; network-bound, so memory mainly buys TLS CPU.
      memorySize: 1024,
      // A sweep must finish inside the 60 s cycle; leave headroom for the Kinesis flush.
      timeout: Duration.seconds(55),
      description: `FleetWatch ${config.name}: polls Redfish BMCs`,
    });
  }
}
