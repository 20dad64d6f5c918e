/**
 * FleetWatchFunction: the one way FleetWatch builds a Lambda. NodejsFunction bundled by the
 * locally installed esbuild (no Docker), Node.js 22 on arm64 (Graviton: ~20 % cheaper per
 * GB-second), ESM output, JSON logs into an explicit log group whose retention comes from config.
 */

import { resolve } from "node:path";
import { type Duration, RemovalPolicy } from "aws-cdk-lib";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, LoggingFormat, Runtime } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { acknowledgeNag } from "./nag";

export const LAMBDAS_DIR = resolve(import.meta.dirname, "..", "..", "lambdas");

export interface FleetWatchFunctionProps
  extends Omit<NodejsFunctionProps, "entry" | "runtime" | "architecture" | "logGroup" | "logRetention" | "memorySize" | "timeout"> {
  /** Folder under lambdas/ holding handler.ts, e.g. "redfish-poller". */
  readonly lambdaName: string;
  /** Environment name, set as FLEETWATCH_ENV and Powertools' default dimension. */
  readonly environmentName: string;
  /** Log retention; comes from config.retention.logDays. */
  readonly logRetention: RetentionDays;
  /** Chosen per function: no default, so every function states its own. */
  readonly memorySize: number;
  /** Chosen per function: no default, so every function states its own. */
  readonly timeout: Duration;
}

/**
 * The network-interface actions a Lambda function in a VPC needs on its execution role
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html, "Required IAM
 * permissions"; the same set as the AWS managed policy AWSLambdaVPCAccessExecutionRole,
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html).
 */
export const VPC_NETWORK_INTERFACE_ACTIONS = [
  "ec2:CreateNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSubnets",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
] as const;

function vpcNetworkInterfaceStatement(): PolicyStatement {
  // DescribeNetworkInterfaces works only on "*", and Lambda creates and deletes ENIs whose ids
  // are not known in advance: the documented policy is on all resources.
  return new PolicyStatement({ sid: "LambdaVpcNetworkInterfaces", actions: [...VPC_NETWORK_INTERFACE_ACTIONS], resources: ["*"] });
}

export class FleetWatchFunction extends NodejsFunction {
  readonly logGroupRef: LogGroup;

  constructor(scope: Construct, id: string, props: FleetWatchFunctionProps) {
    const { lambdaName, environmentName, logRetention, environment, bundling, ...rest } = props;
    // The role and log group sit beside the function (not inside it) because they must exist before it.
    const runtimeScope = new Construct(scope, `${id}Runtime`);
    const logGroup = new LogGroup(runtimeScope, "LogGroup", {
      retention: logRetention,
      // Logs are evidence during an incident review; keep them when the stack goes.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole (a managed policy granting logs:* on
    // every log group): this one may write to its own log group only.
    const role = rest.role ?? new Role(runtimeScope, "Role", { assumedBy: new ServicePrincipal("lambda.amazonaws.com") });
    super(scope, id, {
      ...rest,
      role,
      entry: resolve(LAMBDAS_DIR, lambdaName, "handler.ts"),
      handler: "handler",
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        FLEETWATCH_ENV: environmentName,
        POWERTOOLS_SERVICE_NAME: lambdaName,
        POWERTOOLS_METRICS_NAMESPACE: "FleetWatch",
        NODE_OPTIONS: "--enable-source-maps",
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: "node22",
        minify: true,
        sourceMap: true,
        // Bundle the AWS SDK too: the version we test is the version that runs.
        externalModules: [],
        mainFields: ["module", "main"],
        // Some CommonJS dependencies call require(); give the ESM bundle one.
        banner: "import { createRequire as __fwCreateRequire } from 'node:module'; const require = __fwCreateRequire(import.meta.url);",
        ...bundling,
      },
    });
    this.logGroupRef = logGroup;
    logGroup.grantWrite(role);
    // CDK attaches AWSLambdaVPCAccessExecutionRole only to a role it creates itself; with our own
    // role, a function in a VPC gets the ENI rights here. Lambda checks them when the function is
    // created (CreateFunction fails without them), so the role's policy must exist before it;
    // the function depends on the role's whole subtree, its DefaultPolicy included.
    if (rest.vpc) {
      role.addToPrincipalPolicy(vpcNetworkInterfaceStatement());
      acknowledgeNag(
        role,
        "AwsSolutions-IAM5[Resource::*]",
        "Lambda's documented VPC permissions: DescribeNetworkInterfaces works only on *, and the ENIs Lambda creates and deletes have no id before they exist.",
      );
    }
    acknowledgeNag(
      this,
      "AwsSolutions-L1",
      "nodejs22.x is pinned on purpose: the code must run on Node 20 locally (CI) and 22 on Lambda; 24.x is adopted deliberately, not by default.",
    );
  }
}
