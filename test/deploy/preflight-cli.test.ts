/**
 * `npx fleetwatch preflight -c env=dev` against a local server that speaks the AWS APIs' wire
 * protocols (test/deploy/support/preflight-aws-fake.ts): a ready account passes (exit 0, every
 * row ok); a fresh one fails (exit 1) with a fix on every failing row. Only read calls are made
 * and no secret value is printed.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { loadConfig } from "../../lib/config/load";
import { emptyAccount, type PreflightAccount, type PreflightFake, startPreflightFake } from "./support/preflight-aws-fake";

const run = promisify(execFile);
const config = loadConfig("dev");
const BIN = resolve(import.meta.dirname, "../../bin/fleetwatch.mjs");
const SECRET_PASSWORD = "s3cr3t-bmc-password";

function readyAccount(): PreflightAccount {
  const a = emptyAccount();
  a.secrets.set("fleetwatch/dev/bmc/lab-a", JSON.stringify({ username: "fleetwatch-ro", password: SECRET_PASSWORD }));
  a.secrets.set("fleetwatch/dev/azure-sp", JSON.stringify({ tenantId: "t", clientId: "c", clientSecret: "cs" }));
  a.secrets.set("fleetwatch/dev/pagerduty-integration-url", "https://events.pagerduty.com/integration/abc/enqueue");
  const net = config.redfish.network;
  net.subnetIds.forEach((id, i) => {
    a.subnets.set(id, { vpcId: net.vpcId, cidr: `10.0.${i}.0/24`, az: net.availabilityZones[i]! });
  });
  a.routeTables.push({
    id: "rtb-0a1b2c3d4e5f60001",
    vpcId: net.vpcId,
    main: false,
    subnetIds: net.subnetIds,
    routes: [
      { destination: "10.0.0.0/16", target: "local", state: "active" },
      { destination: "10.20.0.0/16", target: "vgw-0a1b2c3d4e5f60001", state: "active" },
    ],
  });
  a.slackWorkspaces.push({ id: "T00000DEV", name: "gpu-platform" });
  a.timestreamDatabases.push("fleetwatch_dev");
  a.parameters.set("/cdk-bootstrap/hnb659fds/version", "27");
  return a;
}

let fake: PreflightFake;
beforeAll(async () => {
  fake = await startPreflightFake(readyAccount());
});
afterAll(() => fake.close());

async function preflight(envName = "dev", endpoint = fake.endpoint): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG",
    AWS_REGION: loadConfig(envName).region,
  };
  try {
    const out = await run(process.execPath, [BIN, "preflight", "-c", `env=${envName}`, "--endpoint-url", endpoint], { env });
    return { code: 0, stdout: out.stdout, stderr: out.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test("a ready account passes: one ok row per check, exit 0", async () => {
  const out = await preflight();
  expect(out.stderr).not.toMatch(/Error|Exception/);
  expect(out.code, out.stdout).toBe(0);
  const rows = out.stdout.trim().split("\n");
  // config/dev.json: 3 secrets (BMC, Azure SP, PagerDuty), the subnets, a route check per subnet (2),
  // Slack, telemetry store, Lambda concurrency, CDK bootstrap.
  const checks = 3 + 1 + config.redfish.network.subnetIds.length + 4;
  expect(rows.at(-1)).toBe(`preflight env=dev checks=${checks} failed=0`);
  expect(rows.filter((r) => r.startsWith("ok  "))).toHaveLength(checks);
  expect(out.stdout).not.toContain(SECRET_PASSWORD);
  expect(fake.calls.every((c) => /:(Get|Describe|List)/.test(c))).toBe(true);
});

test("a fresh account fails with a fix per failing row, exit 1", async () => {
  const a = fake.account;
  a.secrets.delete("fleetwatch/dev/bmc/lab-a");
  a.secrets.set("fleetwatch/dev/pagerduty-integration-url", "not a url");
  a.subnets.set(config.redfish.network.subnetIds[1]!, { vpcId: "vpc-0ffffffffffffffff", cidr: "10.9.0.0/24", az: "eu-west-1b" });
  a.routeTables[0] = { ...a.routeTables[0]!, routes: [{ destination: "10.0.0.0/16", target: "local", state: "active" }] };
  a.slackWorkspaces.length = 0;
  a.timestreamClosed = true;
  a.unreservedConcurrentExecutions = 10;
  a.parameters.clear();
  const out = await preflight();
  expect(out.code, out.stdout).toBe(1);
  const failing = out.stdout.split("\n").filter((l) => l.startsWith("FAIL"));
  const expected = [
    "secret fleetwatch/dev/bmc/lab-a",
    "secret fleetwatch/dev/pagerduty-integration-url",
    "subnets in vpc-0a1b2c3d4e5f60001",
    "routes from subnet-0a1b2c3d4e5f60011 to BMC CIDRs",
    "chat: Slack workspaces authorised",
    "Lambda concurrency for reservations",
    "CDK bootstrap",
  ];
  for (const check of expected)
    expect(
      failing.some((l) => l.includes(check)),
      check,
    ).toBe(true);
  expect((out.stdout.match(/\n {6}fix: /g) ?? []).length).toBe(failing.length);
  expect(out.stdout).toContain("aws secretsmanager create-secret --name fleetwatch/dev/bmc/lab-a");
  expect(out.stdout).toContain(`npx cdk bootstrap aws://${config.account}/${config.region}`);
  expect(out.stdout.trim().split("\n").at(-1)).toMatch(/^preflight env=dev checks=\d+ failed=\d+$/);
});

test("Timestream for LiveAnalytics (prod): its database passes; an account it is closed to fails with the way out", async () => {
  const prod = await startPreflightFake(emptyAccount());
  try {
    const row = (stdout: string) => stdout.split("\n").find((l) => l.includes("telemetry store: Timestream for LiveAnalytics")) ?? "";
    prod.account.timestreamDatabases.push("fleetwatch_prod");
    expect(row((await preflight("prod", prod.endpoint)).stdout)).toMatch(/^ok /);
    prod.account.timestreamClosed = true;
    const closed = await preflight("prod", prod.endpoint);
    expect(row(closed.stdout)).toMatch(/^FAIL/);
    expect(closed.stdout).toContain("Timestream for LiveAnalytics is closed to accounts that did not use it before 2025-06-20");
  } finally {
    await prod.close();
  }
});
