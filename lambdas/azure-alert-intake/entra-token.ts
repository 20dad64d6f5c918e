/**
 * Verifies the Entra ID access token an action group sends with a secure webhook
 * (https://learn.microsoft.com/azure/azure-monitor/alerts/action-groups#secure-webhook): signature
 * against the tenant's published keys (JWKS), issuer (the tenant, v1 or v2 token), audience (our
 * app registration), expiry, the caller (the Azure Monitor action groups application) and the app
 * role the admin granted it. jose does the cryptography; nothing here is hand-rolled.
 * Claims: https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";

/** The Azure Monitor action groups first-party application (the token's appid/azp). */
export const ACTION_GROUPS_APP_ID = "461e8683-5575-4561-ac7f-899cc907d62a";
/** The app role Microsoft's setup script grants the action groups application on our app. */
export const SECURE_WEBHOOK_ROLE = "ActionGroupsSecureWebhook";

export interface EntraSettings {
  readonly tenantId: string;
  /** Application ID URI (or client id) of the intake's app registration: the token's `aud`. */
  readonly audience: string;
  /** e.g. https://login.microsoftonline.com (per cloud). */
  readonly authorityHost: string;
}

export type BearerCheck = { readonly ok: true; readonly subject: string } | { readonly ok: false; readonly reason: string };

/** v1 tokens are issued by the cloud's STS host, v2 by the authority. */
const V1_ISSUER_HOST: Readonly<Record<string, string>> = {
  "login.microsoftonline.com": "https://sts.windows.net",
  "login.microsoftonline.us": "https://sts.windows.net",
  "login.chinacloudapi.cn": "https://sts.chinacloudapi.cn",
};

function issuersFor(s: EntraSettings): string[] {
  const authority = s.authorityHost.replace(/\/+$/, "");
  const v1 = V1_ISSUER_HOST[new URL(authority).host];
  return [`${authority}/${s.tenantId}/v2.0`, ...(v1 ? [`${v1}/${s.tenantId}/`] : [])];
}

export function entraVerifier(s: EntraSettings): (authorization: string | undefined) => Promise<BearerCheck> {
  const authority = s.authorityHost.replace(/\/+$/, "");
  // jose caches the key set and refetches on an unknown kid (key rotation), at most every 30 s.
  const keys = createRemoteJWKSet(new URL(`${authority}/${s.tenantId}/discovery/v2.0/keys`));
  const issuer = issuersFor(s);
  return async (authorization) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    if (!token) return { ok: false, reason: "no bearer token" };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer, audience: s.audience, algorithms: ["RS256"], clockTolerance: 60 }));
    } catch (error) {
      return { ok: false, reason: `token rejected: ${error instanceof Error ? error.name : "invalid"}` };
    }
    const caller = String(payload.appid ?? payload.azp ?? "");
    if (caller !== ACTION_GROUPS_APP_ID) return { ok: false, reason: `token not issued to Azure Monitor action groups (appid ${caller})` };
    const roles = Array.isArray(payload.roles) ? payload.roles : [];
    if (!roles.includes(SECURE_WEBHOOK_ROLE)) return { ok: false, reason: `token lacks the ${SECURE_WEBHOOK_ROLE} role` };
    return { ok: true, subject: String(payload.sub ?? caller) };
  };
}
