/**
 * SchedulerInvokeRole: the role EventBridge Scheduler assumes to invoke one FleetWatch function.
 * Each scheduled construct (Redfish poller, Azure OpenAI poller, capacity forecast) has its own,
 * so the invoke grant is reviewed next to the schedules that use it.
 */
import { Stack } from "aws-cdk-lib";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { CfnFunction, IFunction } from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import { acknowledgeNag } from "./nag";

export interface SchedulerInvokeRoleProps {
  /** The one function the schedules invoke (their LambdaInvoke target grants lambda:InvokeFunction on it). */
  readonly target: IFunction;
  /**
   * The role's description.
   * @default - no description
   */
  readonly description?: string;
}

export class SchedulerInvokeRole extends Role {
  constructor(scope: Construct, id: string, props: SchedulerInvokeRoleProps) {
    super(scope, id, { assumedBy: new ServicePrincipal("scheduler.amazonaws.com"), description: props.description });
    const functionLogicalId = Stack.of(this).getLogicalId(props.target.node.defaultChild as CfnFunction);
    acknowledgeNag(
      this,
      `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      "EventBridge Scheduler's Lambda target grants lambda:InvokeFunction on this one function and its versions/aliases (the :* suffix); no other function.",
    );
  }
}
