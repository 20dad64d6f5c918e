/**
 * The one Secrets Manager stand-in (AWS JSON 1.1, X-Amz-Target secretsmanager.<Operation>): the
 * Azure poller's and Azure side's tests and the simulator reach it through AwsFake (aws-fake.ts),
 * the deploy preflight's test through its multi-service fake. Only GetSecretValue, as the API
 * reference documents it (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html):
 * - SecretId, the secret's name or full ARN, 1 to 2,048 characters; anything else is an
 *   InvalidParameterException ("The parameter name or value is invalid").
 * - An unknown secret is a ResourceNotFoundException ("Secrets Manager can't find the resource
 *   that you asked for."); a secret scheduled for deletion an InvalidRequestException.
 * - The answer carries ARN (the name plus the 6-character suffix Secrets Manager appends), Name,
 *   SecretString, VersionId (32-64 characters), VersionStages ["AWSCURRENT"] and CreatedDate
 *   (epoch seconds on the wire).
 * Every error answers HTTP 400 with {"__type", "Message"} and the X-Amzn-ErrorType header
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html).
 */

/** What one AWS JSON-protocol call answers: the HTTP status, the JSON body and, for an error, its type. */
export interface AwsJsonAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly errorType?: string;
}

export const SECRETS_MANAGER_TARGET_PREFIX = "secretsmanager";
export const SECRETS_MANAGER_CONTENT_TYPE = "application/x-amz-json-1.1";

const ACCOUNT_ARN_PREFIX = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:";
/** Secrets Manager appends "-" and six random characters to a secret's name in its ARN. */
const ARN_SUFFIX = "-AbCdEf";
const CREATED = 1_764_547_200;

const error = (errorType: string, message: string): AwsJsonAnswer => ({
  status: 400,
  body: { __type: errorType, Message: message },
  errorType,
});

export class SecretsManagerFake {
  /** @param secrets secret name -> SecretString; a caller may hand in (and keep changing) its own map. */
  constructor(readonly secrets = new Map<string, string>()) {}

  /** Names of secrets scheduled for deletion (GetSecretValue refuses them). */
  readonly scheduledForDeletion = new Set<string>();

  /** The ARN the service would give the secret `name`. */
  arnOf(name: string): string {
    return `${ACCOUNT_ARN_PREFIX}${name}${ARN_SUFFIX}`;
  }

  /** The secret's name from its name or full ARN (as GetSecretValue's SecretId takes either). */
  nameOf(id: string): string {
    return id.startsWith(ACCOUNT_ARN_PREFIX) && id.endsWith(ARN_SUFFIX) ? id.slice(ACCOUNT_ARN_PREFIX.length, -ARN_SUFFIX.length) : id;
  }

  /** Answers `operation` (the part of X-Amz-Target after "secretsmanager.") with the parsed JSON body. */
  answer(operation: string, input: Record<string, unknown>): AwsJsonAnswer {
    if (operation !== "GetSecretValue") return error("InvalidAction", `The action ${operation} is not valid for this web service.`);
    const id = input.SecretId;
    if (typeof id !== "string" || id.length < 1 || id.length > 2048)
      return error("InvalidParameterException", "The parameter name or value is invalid.");
    const name = this.nameOf(id);
    const value = this.secrets.get(name);
    if (value === undefined) return error("ResourceNotFoundException", "Secrets Manager can't find the resource that you asked for.");
    if (this.scheduledForDeletion.has(name))
      return error("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.");
    return {
      status: 200,
      body: {
        ARN: this.arnOf(name),
        Name: name,
        SecretString: value,
        VersionId: "00000000-0000-4000-8000-000000000001",
        VersionStages: ["AWSCURRENT"],
        CreatedDate: CREATED,
      },
    };
  }
}
