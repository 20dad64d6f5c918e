/**
 * What a BMC's $expand support lets a poll inline (DSP0266 "ProtocolFeaturesSupported.ExpandQuery"),
 * learned once from the service root, and the request path that uses it.
 */
import { DEPTH_BELOW, type Link } from "./links";
import { at, isObject, num } from "./odata";

export interface ExpandSupport {
  /** "." (NoLinks) or "*" (ExpandAll); undefined when $expand is not advertised. */
  readonly token?: "." | "*";
  /** Largest $levels accepted; 1 when Levels is not advertised. */
  readonly maxLevels: number;
  /** "*" (ExpandAll, which also expands Links) is advertised as well. */
  readonly all?: boolean;
}

export function expandSupportOf(root: unknown): ExpandSupport {
  const q = at(root, "ProtocolFeaturesSupported", "ExpandQuery");
  if (!isObject(q)) return { maxLevels: 0 };
  const token = q.NoLinks === true ? "." : q.ExpandAll === true ? "*" : undefined;
  if (!token) return { maxLevels: 0 };
  const levels = q.Levels === true ? Math.max(1, Math.min(6, Math.floor(num(q.MaxLevels) ?? 1))) : 1;
  return { token, maxLevels: levels, all: q.ExpandAll === true };
}

/** The request path for a link: $expand when the role has something below it worth inlining. */
export function requestPath(link: Link, expand: ExpandSupport): string {
  const want = DEPTH_BELOW[link.role];
  if (!expand.token || want <= 0 || expand.maxLevels <= 0) return link.id;
  // "*" also expands Links (ManagedBy, Chassis, ...): keep it shallow.
  const levels = Math.min(want, expand.maxLevels, expand.token === "*" ? 2 : 6);
  return `${link.id}?$expand=${expand.token}($levels=${levels})`;
}
