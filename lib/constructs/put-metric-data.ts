/**
 * The one way a FleetWatch Lambda is allowed to publish CloudWatch metrics with PutMetricData.
 */
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { METRIC_NAMESPACE } from "../../core/metric-registry";

/**
 * Grants cloudwatch:PutMetricData in the FleetWatch namespace only. PutMetricData has no
 * resource-level permissions, so the statement is on "*" and the cloudwatch:namespace
 * condition key is the scope (CloudWatch User Guide, "Using condition keys to limit access to
 * CloudWatch namespaces": https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html).
 * The caller acknowledges cdk-nag's AwsSolutions-IAM5[Resource::*] with that reason.
 */
export function grantPutMetricData(grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ["cloudwatch:PutMetricData"],
      resources: ["*"],
      conditions: { StringEquals: { "cloudwatch:namespace": METRIC_NAMESPACE } },
    }),
  );
}
