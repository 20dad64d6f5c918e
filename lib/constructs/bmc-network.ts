/**
 * The BMC VPC and its private subnets, referenced by id (config redfish.network): the Redfish
 * poller runs there, and so does the telemetry ingest when it writes to a VPC-only InfluxDB.
 * Referenced, never looked up, so synth stays offline and needs no AWS credentials.
 */
import { Annotations } from "aws-cdk-lib";
import { type ISubnet, type IVpc, Subnet, Vpc } from "aws-cdk-lib/aws-ec2";
import type { Construct } from "constructs";

export interface BmcNetworkProps {
  readonly vpcId: string;
  readonly availabilityZones: readonly string[];
  readonly subnetIds: readonly string[];
}

export interface BmcNetwork {
  readonly vpc: IVpc;
  readonly subnets: ISubnet[];
}

/** The VPC as "Vpc" and each subnet as "Subnet<i>" under `scope`. */
export function importBmcNetwork(scope: Construct, network: BmcNetworkProps): BmcNetwork {
  const vpc = Vpc.fromVpcAttributes(scope, "Vpc", { vpcId: network.vpcId, availabilityZones: [...network.availabilityZones] });
  const subnets = network.subnetIds.map((subnetId, i) => {
    const subnet = Subnet.fromSubnetId(scope, `Subnet${i}`, subnetId);
    // Only Lambda ENIs (and the InfluxDB instance) are placed in these subnets; nothing reads their route tables.
    Annotations.of(subnet).acknowledgeWarning("@aws-cdk/aws-ec2:noSubnetRouteTableId", "route tables are not needed to place ENIs");
    return subnet;
  });
  return { vpc, subnets };
}
