/**
 * What the alert intake receives and where it publishes, for its tests: the Lambda function URL
 * event (payload format 2.0) around an action group's POST, the paging topics of an environment,
 * and the common-alert-schema fixtures (test/azure-side/fixtures, origins in ORIGINS.md there).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LambdaFunctionURLEvent } from "aws-lambda";

/** The three paging topics' ARNs of `environment` (as PagingTiers names them). */
export function pagingTopicArns(environment: string): { P1: string; P2: string; P3: string } {
  const arn = (tier: string) => `arn:aws:sns:eu-west-1:111111111111:fleetwatch-${environment}-${tier}`;
  return { P1: arn("p1"), P2: arn("p2"), P3: arn("p3") };
}

export const intakeFixture = (file: string): string => readFileSync(join(import.meta.dirname, "..", "fixtures", file), "utf8");

/** A request to the function URL as Lambda hands it over (payload format version 2.0). */
export function functionUrlEvent(
  body: string,
  request: { readonly headers?: Record<string, string>; readonly query?: Record<string, string>; readonly method?: string } = {},
): LambdaFunctionURLEvent {
  const { query, method = "POST" } = request;
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/",
    rawQueryString: query ? new URLSearchParams(query).toString() : "",
    queryStringParameters: query,
    headers: { "content-type": "application/json", ...request.headers },
    isBase64Encoded: false,
    body,
    requestContext: {
      accountId: "anonymous",
      apiId: "x",
      domainName: "x.lambda-url.eu-west-1.on.aws",
      domainPrefix: "x",
      http: { method, path: "/", protocol: "HTTP/1.1", sourceIp: "20.1.2.3", userAgent: "IcMBroadcaster/1.0" },
      requestId: "r",
      routeKey: "$default",
      stage: "$default",
      time: "22/Nov/2026:10:00:00 +0000",
      timeEpoch: 0,
    },
  } as LambdaFunctionURLEvent;
}
