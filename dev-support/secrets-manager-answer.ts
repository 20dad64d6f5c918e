/**
 * Secrets Manager GetSecretValue as the local AWS fakes answer it (AWS JSON 1.1), from the API
 * reference: https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 * A known secret answers ARN, Name, SecretString, VersionId, VersionStages (AWSCURRENT) and
 * CreatedDate; an unknown one is a 400 ResourceNotFoundException.
 */

export const SECRETS_MANAGER_CONTENT_TYPE = "application/x-amz-json-1.1";

export function getSecretValueAnswer(
  secrets: ReadonlyMap<string, string>,
  secretId: string,
): { readonly status: number; readonly body: Record<string, unknown> } {
  // A full ARN names the secret as it is; a name gets the ARN the service would give it.
  const arn = secretId.startsWith("arn:") ? secretId : `arn:aws:secretsmanager:eu-west-1:111111111111:secret:${secretId}-AbCdEf`;
  const value = secrets.get(secretId);
  if (value === undefined)
    return { status: 400, body: { __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." } };
  return {
    status: 200,
    body: {
      ARN: arn,
      Name: secretId.startsWith("arn:") ? (/:secret:(.+?)(-[A-Za-z0-9]{6})?$/.exec(secretId)?.[1] ?? secretId) : secretId,
      SecretString: value,
      VersionId: "00000000-0000-4000-8000-000000000001",
      VersionStages: ["AWSCURRENT"],
      CreatedDate: 1_764_547_200,
    },
  };
}
