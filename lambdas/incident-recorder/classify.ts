/**
 * Which tier, signal and scope an alarm belongs to: read back from its name through the signal
 * catalog (names are FleetWatch/<env>/<signal>/<level>[/<cluster or deployment>], see
 * core/catalog/resolve.ts), falling back to the "[P1]" prefix the catalog writes into every
 * alarm description. Composite "…/paging" alarms are skipped: they mirror their metric alarm,
 * and recording both would count every suppressed-signal incident twice.
 */
import { parseAlarmName, signalById, type Tier } from "../../core/catalog";

export interface AlarmClass {
  readonly tier: Tier;
  readonly signal: string;
  readonly level: string;
  /** The cluster or deployment, or "environment". */
  readonly scope: string;
}

export type Classification = { readonly kind: "record"; readonly alarm: AlarmClass } | { readonly kind: "skip"; readonly why: string };

export function classifyAlarm(alarmName: string, environment: string, description?: string): Classification {
  const parsed = parseAlarmName(alarmName);
  if (parsed) {
    if (parsed.environment !== environment) return { kind: "skip", why: `alarm of environment ${parsed.environment}, not ${environment}` };
    if (parsed.composite) return { kind: "skip", why: "composite paging alarm: its metric alarm is recorded instead" };
    const tier = signalById(parsed.signalId)?.levels[parsed.level]?.tier;
    if (tier) {
      return {
        kind: "record",
        alarm: { tier, signal: parsed.signalId, level: parsed.level, scope: parsed.cluster ?? parsed.deployment ?? "environment" },
      };
    }
  }
  const fromDescription = /^\[(P[123])\]/.exec(description ?? "")?.[1] as Tier | undefined;
  if (fromDescription) {
    const parts = alarmName.split("/");
    return {
      kind: "record",
      alarm: {
        tier: fromDescription,
        signal: parts[2] ?? alarmName,
        level: parts[3] ?? "unknown",
        scope: parts.slice(4).join("/") || "environment",
      },
    };
  }
  return { kind: "skip", why: "neither a catalog alarm name nor a [P1]/[P2]/[P3] description" };
}
