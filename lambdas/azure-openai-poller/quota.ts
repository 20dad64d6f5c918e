/**
 * Deployment quota from ARM: `properties.rateLimits` carries the enforced limits as
 * { key: "token" | "request", renewalPeriod: seconds, count }. Converted to per-minute limits.
 * When rateLimits is missing, Standard deployments get 1,000 TPM and 6 RPM per capacity unit
 * (Azure OpenAI's documented ratio); provisioned deployments have no TPM limit to compare to.
 */

export interface RateLimitRule {
  readonly key?: string;
  readonly renewalPeriod?: number;
  readonly count?: number;
}

export interface DeploymentDescription {
  readonly name: string;
  readonly skuName?: string;
  readonly capacity?: number;
  readonly rateLimits?: readonly RateLimitRule[];
}

export interface DeploymentQuota {
  readonly tokensPerMinute?: number;
  readonly requestsPerMinute?: number;
  /** Provisioned throughput (PTU): utilisation comes from the platform metric instead. */
  readonly provisioned: boolean;
}

function perMinute(rules: readonly RateLimitRule[] | undefined, key: string): number | undefined {
  const rule = rules?.find((r) => r.key?.toLowerCase() === key);
  if (!rule || rule.count === undefined || !rule.renewalPeriod) return undefined;
  return (rule.count * 60) / rule.renewalPeriod;
}

export function quotaOf(d: DeploymentDescription): DeploymentQuota {
  const provisioned = /provisioned/i.test(d.skuName ?? "");
  const capacity = provisioned ? undefined : d.capacity;
  return {
    provisioned,
    tokensPerMinute: perMinute(d.rateLimits, "token") ?? (capacity !== undefined ? capacity * 1000 : undefined),
    requestsPerMinute: perMinute(d.rateLimits, "request") ?? (capacity !== undefined ? capacity * 6 : undefined),
  };
}

/** Percent of a limit used; undefined when there is no limit to compare to. */
export function utilisationPercent(used: number, limit: number | undefined): number | undefined {
  if (limit === undefined || limit <= 0) return undefined;
  return (used / limit) * 100;
}
