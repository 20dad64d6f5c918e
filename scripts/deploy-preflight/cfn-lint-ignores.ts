/**
 * Every cfn-lint finding FleetWatch accepts, in one place, each with the reason. An ignore is
 * as narrow as possible: one rule, one resource type, one property path. Errors not listed here
 * fail `npm test`. Warnings are reported but do not fail.
 */
export interface CfnLintIgnore {
  readonly rule: string;
  readonly resourceType: string;
  /** The finding's path below the resource, joined with "/" (e.g. "Properties/Tags"). */
  readonly path: string;
  readonly reason: string;
}

export const CFN_LINT_IGNORES: readonly CfnLintIgnore[] = [
  {
    rule: "E3002",
    resourceType: "AWS::CloudWatch::Dashboard",
    path: "Properties/Tags",
    reason:
      "CloudFormation accepts Tags on AWS::CloudWatch::Dashboard (aws-cdk-lib's CfnDashboard, generated from the CloudFormation registry schema, is taggable); the resource schema bundled with cfn-lint 1.51 predates it.",
  },
];
