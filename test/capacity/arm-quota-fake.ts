/**
 * A local HTTPS fake of the three ARM reads the quota-headroom reader makes, answering with
 * Microsoft's published example payloads (fixtures/azure, origin in fixtures/azure/ORIGIN.md):
 *
 *  - GET /subscriptions/{s}/providers/Microsoft.CognitiveServices/locations/{l}/usages   (Usages_List)
 *  - GET /subscriptions/{s}/providers/Microsoft.CognitiveServices/locations/{l}/models   (Models_List)
 *  - GET /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{a}/deployments (Deployments_List)
 *
 * Rules it enforces, as ARM does: a bearer token on every request, else 401
 * AuthenticationFailed; an api-version query parameter, else 400 MissingApiVersionParameter,
 * and one at which the operation exists (2024-10-01, 2025-09-01), else 400
 * InvalidApiVersionParameter; an existing account, else 404 ResourceNotFound. Errors use ARM's
 * error body {"error":{"code","message"}}
 * (https://learn.microsoft.com/azure/azure-resource-manager/templates/common-deployment-errors,
 * https://github.com/Azure/azure-resource-manager-rpc/blob/master/v1.0/common-api-details.md#error-response-content).
 * Anything else is 404: a reader that asks for something else is wrong.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { testCertificate } from "../../dev-support/tls";

const example = (name: string) =>
  (JSON.parse(readFileSync(new URL(`./fixtures/azure/${name}.json`, import.meta.url), "utf8")) as { responses: { 200: { body: unknown } } })
    .responses[200].body;

export const EXAMPLES = {
  usages: example("ListUsages") as { value: unknown[] },
  models: example("ListLocationModels") as { value: unknown[] },
  deployments: example("ListDeployments") as { value: unknown[] },
};

/** API versions at which the three operations are published (azure-rest-api-specs stable/). */
const API_VERSIONS = new Set(["2024-10-01", "2025-09-01"]);

export class ArmQuotaFake {
  readonly token = "fake-arm-token";
  readonly requests: { path: string; apiVersion: string | null; status: number }[] = [];
  /** location (lower case) -> usages body; default: Microsoft's example. */
  readonly usages = new Map<string, { value: unknown[] }>();
  /** account resource id (lower case) -> deployments body. */
  readonly accounts = new Map<string, { value: unknown[] }>();
  private server?: Server;
  endpoint = "";

  async start(): Promise<this> {
    const cert = testCertificate();
    this.server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
      const url = new URL(req.url ?? "/", "https://localhost");
      const reply = (status: number, body: unknown) => {
        this.requests.push({ path: url.pathname, apiVersion: url.searchParams.get("api-version"), status });
        res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-ms-request-id": "fake" });
        res.end(JSON.stringify(body));
      };
      const error = (status: number, code: string, message: string) => reply(status, { error: { code, message } });
      if (req.headers.authorization !== `Bearer ${this.token}`) {
        return error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or invalid.");
      }
      const apiVersion = url.searchParams.get("api-version");
      if (!apiVersion)
        return error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
      if (!API_VERSIONS.has(apiVersion)) {
        return error(
          400,
          "InvalidApiVersionParameter",
          `The api-version '${apiVersion}' is invalid. The supported versions are '${[...API_VERSIONS].join(",")}'.`,
        );
      }
      if (req.method !== "GET") return error(405, "MethodNotAllowed", `${req.method} is not supported here`);
      const p = url.pathname;
      const regional = /^\/subscriptions\/[^/]+\/providers\/Microsoft\.CognitiveServices\/locations\/([^/]+)\/(usages|models)$/i.exec(p);
      if (regional) {
        const location = regional[1]!.toLowerCase();
        if (regional[2]!.toLowerCase() === "usages") return reply(200, this.usages.get(location) ?? EXAMPLES.usages);
        return reply(200, EXAMPLES.models);
      }
      const deployments =
        /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.CognitiveServices\/accounts\/[^/]+)\/deployments$/i.exec(p);
      if (deployments) {
        const body = this.accounts.get(deployments[1]!.toLowerCase());
        if (!body) {
          return error(
            404,
            "ResourceNotFound",
            `The Resource 'Microsoft.CognitiveServices/accounts/${deployments[1]!.split("/").pop()}' was not found.`,
          );
        }
        return reply(200, body);
      }
      return error(404, "NotFound", `no such route ${req.method} ${p}`);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.endpoint = `https://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
