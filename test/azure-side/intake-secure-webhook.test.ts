/**
 * The alert intake with an Entra ID-signed action group webhook (point 10) and one page per outage
 * (point 6), through the real handler: jose verifies tokens against a JWKS the test serves on
 * 127.0.0.1 (standing in for https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys), the
 * real SNS and CloudWatch clients talk to local fakes. Token claims follow Microsoft's access
 * token reference and the secure webhook docs (fixtures/ORIGINS.md).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsFake } from "../../dev-support/aws-fake";
import { LOCAL_AWS } from "../../dev-support/local-aws";
import { ACTION_GROUPS_APP_ID, SECURE_WEBHOOK_ROLE } from "../../lambdas/azure-alert-intake/entra-token";
import { createIntakeHandler, environmentFrom } from "../../lambdas/azure-alert-intake/handler";
import { functionUrlEvent, intakeFixture, pagingTopicArns } from "./support/intake-requests";
import { recordingLogger } from "./support/recording-logger";

const TENANT = "00000000-0000-4000-8000-000000000001";
const AUDIENCE = "api://fleetwatch-alert-intake";
const STALE_ALARM = "FleetWatch/prod/azure-telemetry-stale/warn";
const TOPICS = pagingTopicArns("prod");
type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
const URL_TOKEN = "intake-token-0123456789abcdefghijklmnopqrstuv";
const fixture = intakeFixture;

let aws: AwsFake;
let jwks: Server;
let authority = "";
let tenantKey: SigningKey;
let strangerKey: SigningKey;
const logged: string[] = [];
let handle: ReturnType<typeof createIntakeHandler>;

const event = (body: string, headers: Record<string, string> = {}, query?: Record<string, string>) =>
  functionUrlEvent(body, { headers, ...(query ? { query } : {}) });

interface Claims {
  iss?: string;
  aud?: string;
  appid?: string;
  roles?: string[];
  exp?: number;
}

async function token(claims: Claims = {}, key: SigningKey = tenantKey, kid = "tenant-key-1"): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    appid: claims.appid ?? ACTION_GROUPS_APP_ID,
    roles: claims.roles ?? [SECURE_WEBHOOK_ROLE],
    tid: TENANT,
    sub: "action-group-sp",
  })
    .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
    .setIssuer(claims.iss ?? `${authority}/${TENANT}/v2.0`)
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt(now - 60)
    .setExpirationTime(claims.exp ?? now + 3600)
    .sign(key);
}

beforeAll(async () => {
  aws = await new AwsFake({ topics: Object.values(TOPICS) }).start();
  const tenant = await generateKeyPair("RS256");
  const stranger = await generateKeyPair("RS256");
  tenantKey = tenant.privateKey;
  strangerKey = stranger.privateKey;
  const published: JWK = { ...(await exportJWK(tenant.publicKey)), kid: "tenant-key-1", use: "sig", alg: "RS256" };
  jwks = createServer((req, res) => {
    if (req.url === `/${TENANT}/discovery/v2.0/keys`) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [published] }));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  authority = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
  const logger = recordingLogger("azure-alert-intake-test", logged);
  handle = createIntakeHandler({
    env: environmentFrom({
      ENTRA_TENANT_ID: TENANT,
      ENTRA_AUDIENCE: AUDIENCE,
      ENTRA_AUTHORITY_HOST: authority,
      STALENESS_ALARM_NAME: STALE_ALARM,
      TOPIC_ARN_P1: TOPICS.P1,
      TOPIC_ARN_P2: TOPICS.P2,
      TOPIC_ARN_P3: TOPICS.P3,
    }),
    sns: new SNSClient({ ...LOCAL_AWS, endpoint: aws.endpoint }),
    secrets: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ ...LOCAL_AWS, endpoint: aws.endpoint }) }),
    cloudWatch: new CloudWatchClient({ ...LOCAL_AWS, endpoint: aws.endpoint }),
    logger,
  });
});
afterAll(async () => {
  await aws.stop();
  await new Promise<void>((resolve) => jwks.close(() => resolve()));
});

describe("point 10: Entra ID-signed action group webhooks", () => {
  it("accepts a token signed by the tenant's published key for our audience, issued to Azure Monitor action groups", async () => {
    aws.alarmStates.set(STALE_ALARM, "ALARM");
    const before = aws.published.length;
    const res = await handle(event(fixture("log-alert-v2-fired.json"), { Authorization: `Bearer ${await token()}` }));
    expect(res.statusCode).toBe(202);
    expect(aws.published.slice(before).map((m) => m.topicArn)).toEqual([TOPICS.P2]);
  });

  it.each([
    ["wrong audience", async () => token({ aud: "api://someone-else" })],
    ["wrong issuer (another tenant)", async () => token({ iss: `${authority}/11111111-0000-4000-8000-000000000009/v2.0` })],
    ["signed by a key the tenant does not publish", async () => token({}, strangerKey)],
    ["expired", async () => token({ exp: Math.floor(Date.now() / 1000) - 600 })],
    ["issued to another application", async () => token({ appid: "22222222-0000-4000-8000-000000000002" })],
    ["without the ActionGroupsSecureWebhook role", async () => token({ roles: [] })],
  ])("rejects a token %s with 401 and publishes nothing", async (_why, make) => {
    const before = aws.published.length;
    const res = await handle(event(fixture("log-alert-v2-fired.json"), { authorization: `Bearer ${await make()}` }));
    expect(res.statusCode).toBe(401);
    expect(aws.published.length).toBe(before);
  });

  it("with a secure webhook configured, the URL token alone no longer gets in, and no token is logged", async () => {
    const res = await handle(event(fixture("log-alert-v2-fired.json"), {}, { token: URL_TOKEN }));
    expect(res.statusCode).toBe(401);
    expect(logged.join("\n")).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });

  it("the environment must name a way in: Entra ID or the URL-token fallback", () => {
    expect(() => environmentFrom({ TOPIC_ARN_P1: TOPICS.P1, TOPIC_ARN_P2: TOPICS.P2, TOPIC_ARN_P3: TOPICS.P3 })).toThrow(/ENTRA_TENANT_ID/);
  });
});

describe("point 6: one page per outage", () => {
  const zeroSuccess = (condition: "Fired" | "Resolved") => {
    const alert = JSON.parse(fixture("log-alert-v2-fired.json"));
    alert.data.essentials.alertRule = "fleetwatch-prod-azure-openai-zero-success-diagnostics-law-ai-prod";
    alert.data.essentials.severity = "Sev1";
    alert.data.essentials.monitorCondition = condition;
    if (condition === "Resolved") alert.data.essentials.resolvedDateTime = "2026-11-22T10:40:00Z";
    alert.data.alertContext.properties = {
      "fleetwatch-tier": "P1",
      "fleetwatch-signal": "azure-openai-zero-success",
      "fleetwatch-cloudwatch-twin": "aoai-zero-success",
    };
    return JSON.stringify(alert);
  };

  it("while CloudWatch sees Azure (staleness alarm OK), the Azure zero-success alert does not page: CloudWatch's P1 does", async () => {
    aws.alarmStates.set(STALE_ALARM, "OK");
    const before = aws.published.length;
    const res = await handle(event(zeroSuccess("Fired"), { Authorization: `Bearer ${await token()}` }));
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body ?? "{}")).toMatchObject({ paged: false, cloudWatchTwin: "aoai-zero-success" });
    expect(aws.published.length).toBe(before);
    expect(aws.describeAlarmsCalls.at(-1)).toEqual([STALE_ALARM]);
  });

  it("while the AWS side is blind (staleness alarm in ALARM, so the CloudWatch P1 is suppressed), the Azure alert pages P1", async () => {
    aws.alarmStates.set(STALE_ALARM, "ALARM");
    const before = aws.published.length;
    expect((await handle(event(zeroSuccess("Fired"), { Authorization: `Bearer ${await token()}` }))).statusCode).toBe(202);
    expect(aws.published.slice(before).map((m) => m.topicArn)).toEqual([TOPICS.P1]);
    // Resolved always passes, so an incident opened while blind closes itself.
    aws.alarmStates.set(STALE_ALARM, "OK");
    expect((await handle(event(zeroSuccess("Resolved"), { Authorization: `Bearer ${await token()}` }))).statusCode).toBe(202);
    expect(aws.published.slice(before).map((m) => [m.topicArn, m.attributes.state])).toEqual([
      [TOPICS.P1, "ALARM"],
      [TOPICS.P1, "OK"],
    ]);
  });

  it("an Azure alert without a CloudWatch twin (e.g. a metric alert) pages at its tier whatever the staleness", async () => {
    aws.alarmStates.set(STALE_ALARM, "OK");
    const before = aws.published.length;
    expect(
      (await handle(event(fixture("metric-alert-sev0-no-custom-properties.json"), { Authorization: `Bearer ${await token()}` })))
        .statusCode,
    ).toBe(202);
    expect(aws.published.slice(before).map((m) => m.topicArn)).toEqual([TOPICS.P1]);
  });
});
