/**
 * The one way FleetWatch acknowledges a cdk-nag finding: always with a reason a reviewer can
 * judge, never a bare id. A short or missing reason fails synth.
 */
import { Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

export function acknowledgeNag(scope: IConstruct, ruleId: string, reason: string): void {
  if (reason.trim().length < 20) {
    throw new Error(`cdk-nag acknowledgment ${ruleId} at ${scope.node.path} needs a real reason (at least 20 characters), got "${reason}"`);
  }
  const id = ruleId.startsWith("AwsSolutions::") ? ruleId : `AwsSolutions::${ruleId}`;
  Validations.of(scope).acknowledge({ id, reason });
}
