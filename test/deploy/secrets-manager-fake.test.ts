/**
 * The shared Secrets Manager fake answers the real SDK client as GetSecretValue's API reference
 * says the service does (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html):
 * by name or by full ARN, and with the documented error for each wrong request.
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyAccount, type PreflightFake, startPreflightFake } from "./support/preflight-aws-fake";

describe("SecretsManagerFake through the SDK", () => {
  let fake: PreflightFake;
  let client: SecretsManagerClient;
  beforeAll(async () => {
    const account = emptyAccount();
    account.secrets.set("fleetwatch/dev/azure-sp", '{"tenantId":"t"}');
    fake = await startPreflightFake(account);
    client = new SecretsManagerClient({
      endpoint: fake.endpoint,
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG" },
      maxAttempts: 1,
    });
  });
  afterAll(() => fake.close());

  const errorName = (secretId: string) =>
    client.send(new GetSecretValueCommand({ SecretId: secretId })).then(
      () => "no error",
      (err: Error) => err.name,
    );

  it("returns the value, its ARN with the 6-character suffix and the AWSCURRENT stage", async () => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: "fleetwatch/dev/azure-sp" }));
    expect(out.SecretString).toBe('{"tenantId":"t"}');
    expect(out.Name).toBe("fleetwatch/dev/azure-sp");
    expect(out.ARN).toMatch(/:secret:fleetwatch\/dev\/azure-sp-[A-Za-z0-9]{6}$/);
    expect(out.VersionStages).toEqual(["AWSCURRENT"]);
    expect(out.CreatedDate).toBeInstanceOf(Date);
    // The full ARN names the same secret.
    const byArn = await client.send(new GetSecretValueCommand({ SecretId: out.ARN }));
    expect(byArn.SecretString).toBe(out.SecretString);
  });

  it("answers the documented errors", async () => {
    expect(await errorName("fleetwatch/dev/missing")).toBe("ResourceNotFoundException");
    expect(await errorName("x".repeat(2049))).toBe("InvalidParameterException");
  });
});
