/**
 * The Lambda entry point as Lambda runs it: a fresh Node process, settings from the environment
 * variable the construct sets, default AWS SDK clients (pointed at the local fakes with the
 * standard AWS_ENDPOINT_URL* variables) and the system trust store plus NODE_EXTRA_CA_CERTS for
 * the HTTPS Azure fake. Proves the wiring in handler.ts/runtime.ts, not just the parts.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { SETTINGS_ENV_VAR } from "../../core/contracts/azure-openai-poller-settings";
import { testCertificate } from "../../dev-support/tls";
import { ACCOUNT_EUS, ACCOUNT_SWC, type Harness, iso, PRINCIPAL, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.azure.deployments.set(ACCOUNT_SWC.toLowerCase(), [{ name: "gpt-4o", model: "gpt-4o", sku: { name: "Standard", capacity: 10 } }]);
  h.azure.deployments.set(ACCOUNT_EUS.toLowerCase(), []);
});
afterAll(async () => {
  await h.stop();
});

test("handler(): one invocation publishes settled minutes and its own health", async () => {
  // Real time here: the child process uses Date.now().
  const m = Math.floor(Date.now() / 60_000) * 60_000 - 6 * 60_000;
  h.azure.metricValues.push({
    resourceId: ACCOUNT_SWC,
    metric: "AzureOpenAIRequests",
    dimensions: { ModelDeploymentName: "gpt-4o", StatusCode: "200" },
    timestamp: iso(m + 1000),
    total: 42,
  });
  const dir = mkdtempSync(join(tmpdir(), "fw-aoai-ca-"));
  writeFileSync(join(dir, "ca.pem"), testCertificate().ca);
  const root = resolve(import.meta.dirname, "..", "..");
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      "const m = await import('./lambdas/azure-openai-poller/handler.ts'); process.stdout.write('RESULT ' + JSON.stringify(await m.handler()) + '\\n');",
    ],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        [SETTINGS_ENV_VAR]: JSON.stringify({ ...h.settings, workspaces: [] }),
        NODE_EXTRA_CA_CERTS: join(dir, "ca.pem"),
        AWS_REGION: "eu-west-1",
        AWS_ACCESS_KEY_ID: "AKIDLOCAL",
        AWS_SECRET_ACCESS_KEY: "local",
        AWS_ENDPOINT_URL: h.aws.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: h.dynamoEndpoint,
        POWERTOOLS_LOG_LEVEL: "INFO",
      },
      timeout: 60_000,
    },
  );
  const failures = `${stdout}\n${stderr}`.split("\n").filter((l) => l.includes('"level":"ERROR"'));
  expect(failures).toEqual([]);
  const result = JSON.parse(
    stdout
      .split("\n")
      .find((l) => l.startsWith("RESULT "))
      ?.slice(7) ?? "null",
  );
  expect(result).toMatchObject({ errors: 0, stalenessSeconds: 0 });
  expect(h.aws.named("AoaiRequests").map((d) => [d.timestamp, d.value, d.dimensions.Deployment])).toEqual([[m, 42, "gpt-4o"]]);
  expect(h.aws.named("AzureTelemetryStalenessSeconds")).toHaveLength(1);
  // Powertools JSON logs on stdout; never the secret.
  expect(stdout).toContain('"message":"poll finished"');
  expect(`${stdout}${stderr}`).not.toContain(PRINCIPAL.clientSecret);
});
