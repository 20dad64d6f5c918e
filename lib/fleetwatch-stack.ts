/**
 * FleetWatchStack: everything one environment needs, in one stack named FleetWatch-<env>.
 * Each capability is a construct in its own folder under lib/; this file only wires them.
 */
import { Stack, type StackProps, Tags } from "aws-cdk-lib";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "./config/schema";
import { RedfishPoller } from "./redfish/redfish-poller";

export interface FleetWatchStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

export function stackName(environmentName: string): string {
  return `FleetWatch-${environmentName}`;
}

export class FleetWatchStack extends Stack {
  readonly config: EnvironmentConfig;
  readonly redfishPoller: RedfishPoller;

  constructor(scope: Construct, id: string, props: FleetWatchStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    Tags.of(this).add("fleetwatch:environment", config.name);
    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);

    // Out-of-band GPU telemetry: Redfish BMCs -> Kinesis.
    this.redfishPoller = new RedfishPoller(this, "RedfishPoller", { config });
  }
}
