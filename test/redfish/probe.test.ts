/**
 * `fleetwatch probe` against the fake HTTPS BMC: table by default, exactly one snapshot
 * document with --json, never the password.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { probe } from "../../cli/probe";
import { BmcSnapshotSchema } from "../../core/snapshot";
import { type FakeBmc, startFakeBmc } from "../../dev-support/redfish-bmc-server";
import { testCertificate } from "../../dev-support/tls";

const PASSWORD = "s3cret-Passw0rd";
let bmc: FakeBmc;
let caFile: string;
beforeAll(async () => {
  bmc = await startFakeBmc({ mockup: "hpe-apollo6500-xl675d-a100", auth: "either", password: PASSWORD });
  caFile = join(mkdtempSync(join(tmpdir(), "fw-probe-")), "ca.pem");
  writeFileSync(caFile, testCertificate().ca);
});
afterAll(async () => bmc.close());

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await probe(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { BMC_PW: PASSWORD } });
  return { code, stdout, stderr };
}

test("--json prints exactly one valid snapshot document and nothing else", async () => {
  const { code, stdout } = await run([`https://${bmc.host}`, "--user", "monitor", "--password-env", "BMC_PW", "--ca", caFile, "--json"]);
  expect(code).toBe(0);
  const doc = JSON.parse(stdout);
  BmcSnapshotSchema.parse(doc);
  expect(doc.status).toBe("ok");
  expect(doc.components.filter((c: { kind: string }) => c.kind === "gpu")).toHaveLength(8);
  expect(stdout).not.toContain(PASSWORD);
  expect(bmc.openSessions()).toBe(0);
});

test("the default table lists GPUs, fans, power vs cap, problems and requests used", async () => {
  const { code, stdout, stderr } = await run([
    `https://${bmc.host}`,
    "--user",
    "monitor",
    "--password-env",
    "BMC_PW",
    "--ca",
    caFile,
    "--auth",
    "basic",
  ]);
  expect(code).toBe(0);
  expect(stdout).toMatch(/GPUs \(8\)/);
  expect(stdout).toMatch(/NVIDIA A100-SXM4-40GB/);
  expect(stdout).toMatch(/Fans \(15, 0 failed\)/);
  expect(stdout).toMatch(/Power vs cap[\s\S]*894 W\s+no cap/);
  expect(stdout).toMatch(/Problems found/);
  expect(stdout).toMatch(/Requests used: \d+/);
  expect(stdout + stderr).not.toContain(PASSWORD);
});

test("wrong password: auth_failed, exit 1, password not echoed", async () => {
  let stdout = "";
  const code = await probe([`https://${bmc.host}`, "--user", "monitor", "--password-env", "X", "--ca", caFile, "--json"], {
    stdout: (t) => (stdout += t),
    stderr: () => {},
    env: { X: "not-the-Passw0rd" },
  });
  expect(code).toBe(1);
  expect(JSON.parse(stdout).status).toBe("auth_failed");
  expect(stdout).not.toContain("not-the-Passw0rd");
});

test("bad usage is refused with a reason", async () => {
  expect((await run(["http://10.0.0.1"])).stderr).toMatch(/https:\/\/HOST/);
  expect((await run([`https://${bmc.host}`, "--ca", caFile, "--insecure"])).code).toBe(2);
  expect((await run([`https://${bmc.host}`, "--user", "u", "--password-env", "EMPTY"])).stderr).toMatch(/EMPTY is empty/);
});

test("npx fleetwatch probe runs through bin/fleetwatch.mjs", async () => {
  const root = resolve(import.meta.dirname, "..", "..");
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      join(root, "bin", "fleetwatch.mjs"),
      "probe",
      `https://${bmc.host}`,
      "--insecure",
      "--json",
      "--user",
      "monitor",
      "--password-env",
      "BMC_PW",
    ],
    {
      env: { ...process.env, BMC_PW: PASSWORD },
    },
  );
  expect(JSON.parse(stdout).bmc).toBe(bmc.host);
});
