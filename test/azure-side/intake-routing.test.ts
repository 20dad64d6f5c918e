import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CommonAlertSchema } from "../../lambdas/azure-alert-intake/common-alert-schema";
import { originOfTopic, SEVERITY_TIER, toNotification as toNotificationAt } from "../../lambdas/azure-alert-intake/routing";
import { parseAlarmMessage } from "../../lambdas/p1-enricher/alarm-message";

const ORIGIN = originOfTopic("arn:aws:sns:eu-west-1:111111111111:fleetwatch-dev-p1");
const toNotification = (alert: Parameters<typeof toNotificationAt>[0]) => toNotificationAt(alert, ORIGIN);

import { tokenMatches } from "../../lambdas/azure-alert-intake/token";

const FIXTURES = join(import.meta.dirname, "fixtures");
const expected = JSON.parse(readFileSync(join(FIXTURES, "expected-routing.json"), "utf8")) as Record<
  string,
  { tier: string; state: string; alarmName: string }
>;
const sample = (file: string) => CommonAlertSchema.parse(JSON.parse(readFileSync(join(FIXTURES, file), "utf8")));

describe("common alert schema -> paging tier", () => {
  it.each(Object.keys(expected).filter((k) => k.endsWith(".json")))("%s", (file) => {
    const n = toNotification(sample(file));
    const want = expected[file];
    expect(n.tier).toBe(want?.tier);
    const message = JSON.parse(n.message);
    expect(message.NewStateValue).toBe(want?.state);
    expect(message.AlarmName).toBe(want?.alarmName);
    expect(n.subject.length).toBeLessThanOrEqual(100);
    expect(n.subject).not.toMatch(/[\r\n]/);
    expect(n.attributes.tier).toBe(want?.tier);
  });

  it("Fired and Resolved of one alert share the alarm name and the tier (so the incident resolves itself)", () => {
    const fired = toNotification(sample("log-alert-v2-fired.json"));
    const resolved = toNotification(sample("log-alert-v2-resolved.json"));
    expect(JSON.parse(resolved.message).AlarmName).toBe(JSON.parse(fired.message).AlarmName);
    expect(resolved.tier).toBe(fired.tier);
    expect(JSON.parse(resolved.message).StateChangeTime).toBe("2026-11-22T10:35:12.0000000Z");
  });

  it("maps every documented severity Sev0..Sev4", () => {
    const base = JSON.parse(readFileSync(join(FIXTURES, "metric-alert-sev0-no-custom-properties.json"), "utf8"));
    const tiers = ["Sev0", "Sev1", "Sev2", "Sev3", "Sev4"].map((severity) => {
      base.data.essentials.severity = severity;
      return toNotification(CommonAlertSchema.parse(base)).tier;
    });
    expect(tiers).toEqual(["P1", "P1", "P2", "P3", "P3"]);
    expect(Object.keys(SEVERITY_TIER)).toHaveLength(5);
  });

  it("a declared fleetwatch-tier custom property wins over the severity", () => {
    const base = JSON.parse(readFileSync(join(FIXTURES, "metric-alert-sev0-no-custom-properties.json"), "utf8"));
    base.data.customProperties = { "fleetwatch-tier": "p3" };
    expect(toNotification(CommonAlertSchema.parse(base)).tier).toBe("P3");
    base.data.customProperties = { "fleetwatch-tier": "P9" };
    expect(toNotification(CommonAlertSchema.parse(base)).tier).toBe("P1");
  });

  it("rejects payloads that are not the common alert schema, naming the problem", () => {
    const legacy = { schemaId: "AzureMonitorMetricAlert", data: { status: "Activated" } };
    const result = CommonAlertSchema.safeParse(legacy);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(/useCommonAlertSchema/);
    const badSeverity = JSON.parse(readFileSync(join(FIXTURES, "log-alert-v2-fired.json"), "utf8"));
    badSeverity.data.essentials.severity = "Critical";
    expect(CommonAlertSchema.safeParse(badSeverity).success).toBe(false);
  });

  it("truncates long subjects to SNS's 100 characters", () => {
    const base = JSON.parse(readFileSync(join(FIXTURES, "log-alert-v2-fired.json"), "utf8"));
    base.data.essentials.alertRule = `r-${"x".repeat(300)}`;
    const n = toNotification(CommonAlertSchema.parse(base));
    expect(n.subject).toHaveLength(100);
    expect(n.subject.endsWith("...")).toBe(true);
  });
});

describe("interop with the P1 path", () => {
  it("the p1-enricher recognises the message as a CloudWatch alarm (so PagerDuty dedups and resolves it)", () => {
    for (const file of ["log-alert-v2-fired.json", "log-alert-v2-resolved.json", "metric-alert-sev0-no-custom-properties.json"]) {
      const parsed = parseAlarmMessage(toNotification(sample(file)).message);
      expect(parsed, file).toBeDefined();
      expect(parsed?.AWSAccountId).toBe("111111111111");
      expect(parsed?.Region).toBe("eu-west-1");
    }
  });
});

describe("tokenMatches", () => {
  it("accepts only the exact token", () => {
    expect(tokenMatches("s3cret-token", "s3cret-token")).toBe(true);
    expect(tokenMatches("s3cret-tokeN", "s3cret-token")).toBe(false);
    expect(tokenMatches("s3cret", "s3cret-token")).toBe(false);
    expect(tokenMatches(undefined, "s3cret-token")).toBe(false);
    expect(tokenMatches("", "")).toBe(false);
  });
});
