/**
 * Entra ID (the Microsoft identity platform v2.0) as the local Azure fakes serve it: the OpenID
 * metadata document and the token endpoint for the client-credentials grant with a client
 * secret, the only flow FleetWatch uses. The HTTPS servers (azure-fake-server.ts for the pollers,
 * azure-arm-fake.ts for the Azure-side provisioner) route those two paths here and check the
 * bearer tokens issued here.
 *
 * Rules, each from Microsoft's documentation:
 * - Metadata at {authority}/{tenant}/v2.0/.well-known/openid-configuration, naming the token endpoint:
 *   https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
 * - Token request: POST {authority}/{tenant}/oauth2/v2.0/token, form-encoded grant_type=client_credentials,
 *   client_id, client_secret and scope={resource}/.default; success answers token_type, expires_in,
 *   access_token; an error answers error, error_description, error_codes, timestamp, trace_id, correlation_id:
 *   https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 * - The AADSTS codes (90002 tenant not found, 70003 unsupported grant type, 700016 application not
 *   found, 7000215 invalid client secret, 1002012 scope without /.default, 500011 resource not in the tenant):
 *   https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 * - Each cloud's Entra ID issues tokens only for its own resources (a public-cloud scope is unknown
 *   in Azure Government or China): https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud
 */
import { randomUUID } from "node:crypto";

export interface FakeServicePrincipal {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface EntraIdFakeOptions {
  readonly principal: FakeServicePrincipal;
  /** The resources (token audiences) this Entra ID knows; a scope for another is AADSTS500011. @default any resource */
  readonly resources?: readonly string[];
}

export interface EntraAnswer {
  readonly status: number;
  readonly body: unknown;
}

export type EntraRoute = "openid" | "token";

/** Which Entra ID endpoint a request is for, with its tenant; undefined for any other request. */
export function entraRouteOf(method: string, path: string): { route: EntraRoute; tenant: string } | undefined {
  const openid = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
  if (openid && method === "GET") return { route: "openid", tenant: openid[1] as string };
  const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
  if (token && method === "POST") return { route: "token", tenant: token[1] as string };
  return undefined;
}

export class EntraIdFake {
  /** access token -> its audience (the resource of the scope it was issued for). */
  private readonly tokens = new Map<string, string>();

  constructor(private readonly options: EntraIdFakeOptions) {}

  get principal(): FakeServicePrincipal {
    return this.options.principal;
  }

  /** The OpenID metadata document of `tenant` on a server at `baseUrl`. */
  openIdConfiguration(baseUrl: string, tenant: string): EntraAnswer {
    const authority = `${baseUrl}/${tenant}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${authority}/oauth2/v2.0/token`,
        authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
        issuer: `${authority}/v2.0`,
        jwks_uri: `${authority}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
      },
    };
  }

  /** Answers a token request (the form-encoded body) to `tenant`'s token endpoint. */
  token(tenant: string, formBody: string): EntraAnswer {
    const form = new URLSearchParams(formBody);
    const { principal, resources } = this.options;
    if (tenant !== principal.tenantId) return failure(400, "invalid_request", 90002, `Tenant '${tenant}' not found.`);
    if (form.get("grant_type") !== "client_credentials")
      return failure(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
    if (form.get("client_id") !== principal.clientId)
      return failure(
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${form.get("client_id")}' was not found in the directory '${tenant}'.`,
      );
    if (form.get("client_secret") !== principal.clientSecret)
      return failure(
        401,
        "invalid_client",
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${principal.clientId}'.`,
      );
    const scope = form.get("scope") ?? "";
    const defaultScope = scope.split(" ").find((s) => s.endsWith("/.default"));
    if (!defaultScope)
      return failure(
        400,
        "invalid_scope",
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`,
      );
    const resource = defaultScope.slice(0, -"/.default".length).replace(/\/$/, "");
    if (resources && !resources.includes(resource))
      return failure(
        400,
        "invalid_resource",
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${tenant}.`,
      );
    const accessToken = `fake.${randomUUID()}`;
    this.tokens.set(accessToken, resource);
    return { status: 200, body: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken } };
  }

  /** The audience of the bearer token in an Authorization header; undefined when missing or not issued here. */
  audienceOf(authorization: string | undefined): string | undefined {
    const m = /^Bearer (.+)$/.exec(authorization ?? "");
    return m ? this.tokens.get(m[1] as string) : undefined;
  }
}

function failure(status: number, error: string, aadsts: number, description: string): EntraAnswer {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString();
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    },
  };
}
