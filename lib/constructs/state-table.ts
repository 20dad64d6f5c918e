/**
 * StateTable: the small DynamoDB table a FleetWatch Lambda keeps its working state in (the Azure
 * poller's watermark, the incident recorder's open incidents). Every such table is on-demand,
 * encrypted with the AWS-managed key, point-in-time recoverable and expires its items by TTL;
 * it holds state that is derived or short-lived, so it goes with the stack.
 */
import { RemovalPolicy } from "aws-cdk-lib";
import { type Attribute, AttributeType, Billing, TableEncryptionV2, TableV2 } from "aws-cdk-lib/aws-dynamodb";
import type { Construct } from "constructs";

export interface StateTableProps {
  /** Name of the string partition key, shared with the Lambda through core/contracts/table-keys.ts. */
  readonly partitionKey: string;
  /**
   * The sort key.
   * @default - no sort key
   */
  readonly sortKey?: Attribute;
  /** The attribute holding each item's expiry (epoch seconds); DynamoDB deletes the item after it. */
  readonly timeToLiveAttribute: string;
}

export class StateTable extends TableV2 {
  constructor(scope: Construct, id: string, props: StateTableProps) {
    super(scope, id, {
      partitionKey: { name: props.partitionKey, type: AttributeType.STRING },
      ...(props.sortKey ? { sortKey: props.sortKey } : {}),
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      timeToLiveAttribute: props.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Derived or short-lived state: losing it costs at most a re-published window or a reopened incident.
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
