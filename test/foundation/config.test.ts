import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ConfigError } from "../../core/config/config-error";
import { parseConfig } from "../../core/config/parse";
import { availableEnvironments, loadConfig } from "../../lib/config/load";

const devRaw = () => JSON.parse(readFileSync(join(import.meta.dirname, "../../config/dev.json"), "utf8"));

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("environment configuration", () => {
  test("the shipped examples are valid and named after their files", () => {
    expect(availableEnvironments()).toEqual(expect.arrayContaining(["dev", "prod"]));
    for (const name of ["dev", "prod"]) expect(loadConfig(name).name).toBe(name);
  });

  test("a region that does not exist names the field and lists what is allowed", () => {
    const raw = { ...devRaw(), region: "eu-middle-9" };
    const message = errorOf(() => parseConfig(raw, "dev.json"));
    expect(message).toContain("region:");
    expect(message).toContain('unknown AWS region "eu-middle-9"');
    expect(message).toContain("eu-west-1");
  });

  test("a negative threshold names the field", () => {
    const raw = { ...devRaw(), thresholds: { "gpu-temperature": { warn: -5 } } };
    const message = errorOf(() => parseConfig(raw, "dev.json"));
    expect(message).toContain("thresholds.gpu-temperature.warn: must be >= 0");
  });

  test("nested fields are named by their full path", () => {
    const raw = devRaw();
    raw.redfish.clusters[0].bmcs = ["https://10.0.0.1/redfish/v1"];
    raw.account = "12345";
    const message = errorOf(() => parseConfig(raw, "dev.json"));
    expect(message).toContain("redfish.clusters[0].bmcs[0]: a BMC host");
    expect(message).toContain("account: a 12-digit AWS account id");
  });

  test("a secret pasted where a secret *name* belongs is refused", () => {
    const raw = devRaw();
    raw.paging.p1.pagerDutyIntegrationUrlSecretName = "https://events.pagerduty.com/integration/abc123/enqueue";
    const message = errorOf(() => parseConfig(raw, "dev.json"));
    expect(message).toContain("paging.p1.pagerDutyIntegrationUrlSecretName");
    // The message must not echo the secret back.
    expect(message).not.toContain("abc123");
  });

  test("unknown fields are rejected rather than silently ignored", () => {
    const raw = { ...devRaw(), retension: { logDays: 7 } };
    expect(errorOf(() => parseConfig(raw))).toMatch(/retension/);
  });

  test("log retention only accepts values CloudWatch Logs accepts", () => {
    const raw = { ...devRaw(), retention: { logDays: 10 } };
    expect(errorOf(() => parseConfig(raw))).toContain("retention.logDays");
  });

  test("an unknown environment lists the available ones", () => {
    expect(errorOf(() => loadConfig("staging"))).toMatch(/Available environments: .*dev.*prod/);
  });

  test("cdk synth itself fails with the field named (through the real CLI entry)", () => {
    const dir = mkdtempSync(join(tmpdir(), "fw-badcfg-"));
    const raw = { ...devRaw(), name: "bad", region: "mars-north-1" };
    writeFileSync(join(dir, "bad.json"), JSON.stringify(raw));
    let stderr = "";
    try {
      execFileSync("npx", ["tsx", "bin/app.ts"], {
        cwd: join(import.meta.dirname, "../.."),
        env: { ...process.env, FLEETWATCH_CONFIG_DIR: dir, CDK_CONTEXT_JSON: JSON.stringify({ env: "bad" }), CDK_OUTDIR: join(dir, "out") },
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (err) {
      stderr = String((err as { stderr: Buffer }).stderr);
    }
    expect(stderr).toContain("region:");
    expect(stderr).toContain("mars-north-1");
  });
});
