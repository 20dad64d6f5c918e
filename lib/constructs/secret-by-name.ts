/**
 * How a FleetWatch Lambda gets a secret the operator created (BMC credentials, the Azure service
 * principal): granted by name and read at run time, so nothing of it is resolved into the template.
 */
import type { IGrantable } from "aws-cdk-lib/aws-iam";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import { acknowledgeNag } from "./nag";

/** Grants `grantee` read on the secret named `secretName`, referenced as `id` under `scope`. */
export function grantReadSecretByName(scope: Construct, id: string, secretName: string, grantee: IGrantable): void {
  Secret.fromSecretNameV2(scope, id, secretName).grantRead(grantee);
  acknowledgeNag(
    scope,
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:*]",
    "Secrets are granted by name; Secrets Manager appends a random 6-character suffix to every secret ARN, so the grant needs the name-?????? wildcard.",
  );
}
