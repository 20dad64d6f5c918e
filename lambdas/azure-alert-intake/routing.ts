/**
 * Maps an Azure Monitor alert (common alert schema) onto a FleetWatch paging tier and a
 * notification shaped like a CloudWatch alarm state change, so the tier's subscribers
 * (PagerDuty's CloudWatch integration, chat, email) treat Azure alerts exactly like every other
 * FleetWatch alarm: ALARM opens, OK with the same AlarmName resolves. Pure: no SDK.
 *
 * Tier decision, in order:
 *  1. the custom property "fleetwatch-tier" = P1 | P2 | P3 — set by the rules FleetWatch creates,
 *     so a rule's catalog tier wins over its Azure severity. Log search alerts v2 carry custom
 *     properties in data.alertContext.properties, other alerts in data.customProperties;
 *  2. otherwise the severity: Sev0 (Critical) and Sev1 (Error) -> P1, Sev2 (Warning) -> P2,
 *     Sev3 (Informational) and Sev4 (Verbose) -> P3.
 * A Resolved alert goes to the same tier as its Fired alert (both are derived the same way).
 */
import type { Tier } from "../../core/catalog/types";
import type { AzureSeverity, CommonAlert } from "./common-alert-schema";

const TIER_PROPERTY = "fleetwatch-tier";

export const SEVERITY_TIER: Readonly<Record<AzureSeverity, Tier>> = {
  Sev0: "P1",
  Sev1: "P1",
  Sev2: "P2",
  Sev3: "P3",
  Sev4: "P3",
};

export interface TierNotification {
  readonly tier: Tier;
  /** SNS subject: at most 100 printable ASCII characters, no line breaks. */
  readonly subject: string;
  /** JSON string, CloudWatch-alarm-shaped plus an `Azure` section. */
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * A custom property of the alert rule. Log search alerts v2 deliver them in alertContext.properties
 * (common alert schema, "Sample log search alert v2"); others in data.customProperties.
 * https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-common-schema
 */
export function customProperty(alert: CommonAlert, name: string): string | undefined {
  return alert.data.alertContext?.properties?.[name] ?? alert.data.customProperties?.[name] ?? undefined;
}

function tierFor(alert: CommonAlert): Tier {
  const declared = customProperty(alert, TIER_PROPERTY)?.trim().toUpperCase();
  if (declared === "P1" || declared === "P2" || declared === "P3") return declared;
  return SEVERITY_TIER[alert.data.essentials.severity];
}

function dimensionsOf(alert: CommonAlert): string {
  const all = alert.data.alertContext?.condition?.allOf ?? [];
  const pairs = all.flatMap((c) => c.dimensions ?? []).map((d) => `${d.name}=${String(d.value)}`);
  return [...new Set(pairs)].join(", ");
}

const MAX_SUBJECT = 100;

/** Where the notification is published; CloudWatch alarm messages carry both. */
export interface AwsOrigin {
  readonly region: string;
  readonly accountId: string;
}

/** Region and account from an SNS topic ARN (arn:partition:sns:region:account:name). */
export function originOfTopic(topicArn: string): AwsOrigin {
  const [, , , region, accountId] = topicArn.split(":");
  if (!region || !accountId) throw new Error(`not an SNS topic ARN: ${topicArn}`);
  return { region, accountId };
}

export function toNotification(alert: CommonAlert, origin: AwsOrigin): TierNotification {
  const { essentials } = alert.data;
  const tier = tierFor(alert);
  const state = essentials.monitorCondition === "Fired" ? "ALARM" : "OK";
  const dimensions = dimensionsOf(alert);
  // Stable between Fired and Resolved of the same alert, distinct per dimension combination.
  const alarmName = `Azure: ${essentials.alertRule}${dimensions ? ` (${dimensions})` : ""}`;
  const condition = alert.data.alertContext?.condition?.allOf?.[0];
  const measured = condition?.metricValue != null ? `value ${condition.metricValue}` : "";
  const threshold = condition?.threshold != null ? `${condition.operator ?? ""} ${condition.threshold}`.trim() : "";
  const reason = [
    `Azure Monitor ${essentials.monitorCondition.toLowerCase()} ${essentials.severity}`,
    measured && threshold ? `${measured} (${threshold})` : measured,
    essentials.description ?? "",
  ]
    .filter(Boolean)
    .join(": ");
  const subject = toSubject(`[${tier}] ${state}: ${alarmName}`);
  const message = {
    AlarmName: alarmName,
    AlarmDescription: essentials.description ?? `Azure Monitor alert rule ${essentials.alertRule}`,
    NewStateValue: state,
    OldStateValue: state === "ALARM" ? "OK" : "ALARM",
    NewStateReason: reason,
    AWSAccountId: origin.accountId,
    Region: origin.region,
    StateChangeTime:
      essentials.monitorCondition === "Resolved" ? (essentials.resolvedDateTime ?? essentials.firedDateTime) : essentials.firedDateTime,
    Tier: tier,
    Source: "azure-monitor",
    Azure: {
      alertId: essentials.alertId,
      alertRule: essentials.alertRule,
      severity: essentials.severity,
      monitorCondition: essentials.monitorCondition,
      signalType: essentials.signalType,
      monitoringService: essentials.monitoringService,
      alertTargetIDs: essentials.alertTargetIDs,
      dimensions: dimensions || undefined,
      investigationLink:
        essentials.investigationLink ?? condition?.linkToFilteredSearchResultsUI ?? condition?.linkToSearchResultsUI ?? undefined,
    },
  };
  return {
    tier,
    subject,
    message: JSON.stringify(message),
    attributes: { tier, source: "azure-monitor", state, severity: essentials.severity },
  };
}

function toSubject(text: string): string {
  // SNS subjects: ASCII, no control characters, at most 100 characters.
  const ascii = text.replace(/[^\x20-\x7e]/g, "?");
  return ascii.length <= MAX_SUBJECT ? ascii : `${ascii.slice(0, MAX_SUBJECT - 3)}...`;
}
