/**
 * The HTTP side of the alert intake, independent of AWS SDKs: authenticate, parse, route,
 * publish through the injected port. Status codes follow what Azure action groups retry:
 * 2xx = done; 503 = please retry; 4xx = the request itself is wrong and retrying will not help.
 */

import type { LambdaFunctionURLEvent, APIGatewayProxyStructuredResultV2 as LambdaFunctionURLResult } from "aws-lambda";
import { z } from "zod";
import type { Log } from "../shared/log";
import { CommonAlertSchema } from "./common-alert-schema";
import type { BearerCheck } from "./entra-token";
import { type AwsOrigin, customProperty, type TierNotification, toNotification } from "./routing";
import { tokenMatches } from "./token";

/** Custom property of FleetWatch's rules naming the catalog alarm CloudWatch pages for the same condition. */
export const CLOUDWATCH_TWIN_PROPERTY = "fleetwatch-cloudwatch-twin";

export interface IntakePorts {
  /**
   * Entra ID-signed webhook (secure webhook): verifies the Authorization header. When set, it is
   * the way in; the URL token is accepted only if `expectedToken` is also set (documented fallback).
   */
  readonly verifyBearer?: (authorization: string | undefined) => Promise<BearerCheck>;
  /** The shared secret the action group's webhook URL carries as ?token= (fallback). */
  readonly expectedToken?: () => Promise<string>;
  /**
   * Whether the AWS side is blind to Azure (the Azure telemetry staleness alarm is not OK). A rule
   * with a CloudWatch twin pages only then: otherwise CloudWatch already pages the same outage.
   */
  readonly awsSideBlind?: () => Promise<boolean>;
  readonly publish: (notification: TierNotification) => Promise<void>;
  /** Region/account stamped into the CloudWatch-alarm-shaped message. */
  readonly origin: AwsOrigin;
  readonly log: Log;
}

/** Azure Monitor webhook payloads are far below this; anything larger is not an alert. */
const MAX_BODY_BYTES = 256 * 1024;

const reply = (statusCode: number, body: Record<string, unknown>): LambdaFunctionURLResult => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

export async function handleIntake(event: LambdaFunctionURLEvent, ports: IntakePorts): Promise<LambdaFunctionURLResult> {
  if (event.requestContext?.http?.method !== "POST") return reply(405, { error: "POST only" });
  const authorization = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === "authorization")?.[1];
  let authenticated = false;
  if (ports.verifyBearer && authorization) {
    const check = await ports.verifyBearer(authorization);
    if (!check.ok) {
      // The reason names the failed check (issuer, audience, signature...), never the token.
      ports.log.warn("rejected an alert delivery with an invalid Entra ID token", {
        sourceIp: event.requestContext?.http?.sourceIp,
        reason: check.reason,
      });
      return reply(401, { error: "unauthorized" });
    }
    authenticated = true;
  } else if (ports.expectedToken) {
    let expected: string;
    try {
      expected = await ports.expectedToken();
    } catch (error) {
      ports.log.error("cannot read the intake token", { error: error instanceof Error ? error.message : String(error) });
      return reply(503, { error: "temporarily unavailable, retry" });
    }
    authenticated = tokenMatches(event.queryStringParameters?.token, expected);
  }
  if (!authenticated) {
    // Never log the presented token, the query string or the body of an unauthenticated call.
    ports.log.warn("rejected an unauthenticated alert delivery", { sourceIp: event.requestContext?.http?.sourceIp });
    return reply(401, { error: "unauthorized" });
  }
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body) : "";
  if (Buffer.byteLength(raw, "utf8") > MAX_BODY_BYTES) return reply(413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return reply(400, { error: "body is not JSON" });
  }
  const parsed = CommonAlertSchema.safeParse(json);
  if (!parsed.success) {
    const reason = z.prettifyError(parsed.error);
    ports.log.warn("alert payload is not the common alert schema", { reason });
    return reply(400, { error: "not an Azure Monitor common alert schema payload", reason });
  }
  const twin = customProperty(parsed.data, CLOUDWATCH_TWIN_PROPERTY);
  if (twin && parsed.data.data.essentials.monitorCondition === "Fired" && ports.awsSideBlind) {
    // One page per outage: CloudWatch pages this condition while it can see Azure. If we cannot
    // tell (DescribeAlarms failed), page: a duplicate is better than silence.
    const blind = await ports.awsSideBlind().catch(() => true);
    if (!blind) {
      ports.log.info("not paged: CloudWatch pages this condition", {
        alertRule: parsed.data.data.essentials.alertRule,
        cloudWatchTwin: twin,
      });
      return reply(202, { paged: false, cloudWatchTwin: twin });
    }
  }
  const notification = toNotification(parsed.data, ports.origin);
  try {
    await ports.publish(notification);
  } catch (error) {
    ports.log.error("publishing the alert to its tier failed", {
      tier: notification.tier,
      alertRule: parsed.data.data.essentials.alertRule,
      error: error instanceof Error ? error.message : String(error),
    });
    // 503 makes the action group retry the delivery.
    return reply(503, { error: "could not publish the alert, retry" });
  }
  ports.log.info("alert routed", {
    tier: notification.tier,
    alertRule: parsed.data.data.essentials.alertRule,
    monitorCondition: parsed.data.data.essentials.monitorCondition,
    severity: parsed.data.data.essentials.severity,
  });
  return reply(202, { tier: notification.tier });
}
