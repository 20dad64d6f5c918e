/**
 * One local endpoint that answers the read-only AWS calls of `npx fleetwatch preflight` in each
 * service's own wire protocol, success and failure answers alike, so the real SDK clients run
 * against it (the CLI's --endpoint-url points them all here). One fake per service:
 *   - Secrets Manager GetSecretValue: the shared SecretsManagerFake (dev-support/secrets-manager-fake.ts).
 *   - Timestream Write DescribeEndpoints / ListDatabases: the shared Timestream Write server
 *     (dev-support/timestream-write-server.ts), mounted on this endpoint.
 *   - Systems Manager GetParameter, AWS JSON 1.1 (X-Amz-Target AmazonSSM.*); an unknown name is
 *     ParameterNotFound (HTTP 400)
 *     https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
 *   - Lambda GetAccountSettings, REST-JSON GET /2016-08-19/account-settings
 *     https://docs.aws.amazon.com/lambda/latest/api/API_GetAccountSettings.html
 *   - AWS Chatbot DescribeSlackWorkspaces / ListMicrosoftTeamsConfiguredTeams, REST-JSON POST
 *     https://docs.aws.amazon.com/chatbot/latest/APIReference/API_DescribeSlackWorkspaces.html
 *     https://docs.aws.amazon.com/chatbot/latest/APIReference/API_ListMicrosoftTeamsConfiguredTeams.html
 *   - EC2 DescribeSubnets / DescribeRouteTables, EC2 Query protocol (form body, XML answers)
 *     https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSubnets.html
 *     https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRouteTables.html
 *     errors: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SECRETS_MANAGER_CONTENT_TYPE, SECRETS_MANAGER_TARGET_PREFIX, SecretsManagerFake } from "../../../dev-support/secrets-manager-fake";
import { startTimestreamWriteServer } from "../../../dev-support/timestream-write-server";

export interface FakeRouteTable {
  readonly id: string;
  readonly vpcId: string;
  readonly main: boolean;
  readonly subnetIds: readonly string[];
  readonly routes: readonly { destination: string; target: string; state: "active" | "blackhole" }[];
}

export interface PreflightAccount {
  readonly secrets: Map<string, string>;
  readonly parameters: Map<string, string>;
  readonly subnets: Map<string, { vpcId: string; cidr: string; az: string }>;
  readonly routeTables: FakeRouteTable[];
  readonly slackWorkspaces: { id: string; name: string }[];
  readonly teams: { tenantId: string; teamId: string; name: string }[];
  /** Timestream for LiveAnalytics closed to this account (new accounts since 2025-06-20). */
  timestreamClosed: boolean;
  readonly timestreamDatabases: string[];
  concurrentExecutions: number;
  unreservedConcurrentExecutions: number;
}

export function emptyAccount(): PreflightAccount {
  return {
    secrets: new Map(),
    parameters: new Map(),
    subnets: new Map(),
    routeTables: [],
    slackWorkspaces: [],
    teams: [],
    timestreamClosed: false,
    timestreamDatabases: [],
    concurrentExecutions: 1000,
    unreservedConcurrentExecutions: 1000,
  };
}

export interface PreflightFake {
  readonly endpoint: string;
  readonly account: PreflightAccount;
  /** Every operation called, e.g. "ec2:DescribeSubnets": the preflight must only read. */
  readonly calls: string[];
  close(): Promise<void>;
}

const TIMESTREAM_TARGET_PREFIX = "Timestream_20181101";

export async function startPreflightFake(account: PreflightAccount = emptyAccount()): Promise<PreflightFake> {
  const calls: string[] = [];
  const secretsManager = new SecretsManagerFake(account.secrets);
  const timestream = await startTimestreamWriteServer();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => route(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  const json = (res: ServerResponse, status: number, body: unknown, contentType: string, errorType?: string) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": contentType,
      "x-amzn-requestid": "00000000-0000-4000-8000-000000000000",
      ...(errorType ? { "x-amzn-errortype": errorType } : {}),
    });
    res.end(text);
  };

  /** The REST-JSON operations (Lambda, Chatbot): method and path, the call's name and its answer. */
  const restOperations: { method: string; path: string; call: string; answer: () => unknown }[] = [
    {
      method: "GET",
      path: "/2016-08-19/account-settings",
      call: "lambda:GetAccountSettings",
      answer: () => ({
        AccountLimit: {
          TotalCodeSize: 80_530_636_800,
          CodeSizeUnzipped: 262_144_000,
          CodeSizeZipped: 52_428_800,
          ConcurrentExecutions: account.concurrentExecutions,
          UnreservedConcurrentExecutions: account.unreservedConcurrentExecutions,
        },
        AccountUsage: { TotalCodeSize: 0, FunctionCount: 0 },
      }),
    },
    {
      method: "POST",
      path: "/describe-slack-workspaces",
      call: "chatbot:DescribeSlackWorkspaces",
      answer: () => ({ SlackWorkspaces: account.slackWorkspaces.map((w) => ({ SlackTeamId: w.id, SlackTeamName: w.name })) }),
    },
    {
      method: "POST",
      path: "/list-ms-teams-configured-teams",
      call: "chatbot:ListMicrosoftTeamsConfiguredTeams",
      answer: () => ({ ConfiguredTeams: account.teams.map((t) => ({ TenantId: t.tenantId, TeamId: t.teamId, TeamName: t.name })) }),
    },
  ];

  function route(req: IncomingMessage, res: ServerResponse, body: string) {
    const target = String(req.headers["x-amz-target"] ?? "");
    if (target) {
      const [service, operation = ""] = target.split(".");
      calls.push(`${service}:${operation}`);
      if (service === TIMESTREAM_TARGET_PREFIX) {
        timestream.closedToAccount = account.timestreamClosed;
        for (const database of account.timestreamDatabases) timestream.createDatabase(database);
        return timestream.handle(req, res, body);
      }
      const input = JSON.parse(body || "{}") as Record<string, unknown>;
      if (service === SECRETS_MANAGER_TARGET_PREFIX) {
        const answer = secretsManager.answer(operation, input);
        return json(res, answer.status, answer.body, SECRETS_MANAGER_CONTENT_TYPE, answer.errorType);
      }
      if (service === "AmazonSSM" && operation === "GetParameter") return getParameter(res, String(input.Name));
      return json(res, 400, { __type: "UnknownOperationException", message: target }, "application/x-amz-json-1.1");
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const rest = restOperations.find((o) => o.method === req.method && o.path === url.pathname);
    if (rest) {
      calls.push(rest.call);
      return json(res, 200, rest.answer(), "application/json");
    }
    if (req.method === "POST" && String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded")) {
      const form = new URLSearchParams(body);
      calls.push(`ec2:${form.get("Action")}`);
      return ec2(res, form);
    }
    res.writeHead(404).end();
  }

  function getParameter(res: ServerResponse, name: string) {
    const value = account.parameters.get(name);
    if (value === undefined) return json(res, 400, { __type: "ParameterNotFound" }, "application/x-amz-json-1.1", "ParameterNotFound");
    return json(
      res,
      200,
      { Parameter: { Name: name, Type: "String", Value: value, Version: 1, ARN: `arn:aws:ssm:eu-west-1:111111111111:parameter${name}` } },
      "application/x-amz-json-1.1",
    );
  }

  function ec2(res: ServerResponse, form: URLSearchParams) {
    const xml = (status: number, text: string) => {
      res.writeHead(status, { "content-type": "text/xml;charset=UTF-8" });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${text}`);
    };
    const error = (code: string, message: string) =>
      xml(
        400,
        `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>fake</RequestID></Response>`,
      );
    const list = (prefix: string) => [...form.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
    const filters = new Map<string, string[]>();
    for (let i = 1; form.has(`Filter.${i}.Name`); i++) filters.set(form.get(`Filter.${i}.Name`)!, list(`Filter.${i}.Value.`));
    const ns = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';
    switch (form.get("Action")) {
      case "DescribeSubnets": {
        const ids = list("SubnetId.");
        const missing = ids.find((id) => !account.subnets.has(id));
        if (missing) return error("InvalidSubnetID.NotFound", `The subnet ID '${missing}' does not exist`);
        const items = ids
          .map((id) => {
            const s = account.subnets.get(id)!;
            return `<item><subnetId>${id}</subnetId><vpcId>${s.vpcId}</vpcId><cidrBlock>${s.cidr}</cidrBlock><availabilityZone>${s.az}</availabilityZone><state>available</state></item>`;
          })
          .join("");
        return xml(
          200,
          `<DescribeSubnetsResponse ${ns}><requestId>fake</requestId><subnetSet>${items}</subnetSet></DescribeSubnetsResponse>`,
        );
      }
      case "DescribeRouteTables": {
        const bySubnet = filters.get("association.subnet-id");
        const byVpc = filters.get("vpc-id");
        const mainOnly = filters.get("association.main")?.includes("true");
        const tables = account.routeTables.filter(
          (t) =>
            (!bySubnet || t.subnetIds.some((s) => bySubnet.includes(s))) && (!byVpc || byVpc.includes(t.vpcId)) && (!mainOnly || t.main),
        );
        const items = tables
          .map(
            (t) =>
              `<item><routeTableId>${t.id}</routeTableId><vpcId>${t.vpcId}</vpcId><routeSet>${t.routes
                .map(
                  (r) =>
                    `<item><destinationCidrBlock>${r.destination}</destinationCidrBlock><gatewayId>${r.target}</gatewayId><state>${r.state}</state></item>`,
                )
                .join("")}</routeSet><associationSet>${[
                ...t.subnetIds.map((s) => `<item><subnetId>${s}</subnetId><main>false</main></item>`),
                ...(t.main ? ["<item><main>true</main></item>"] : []),
              ].join("")}</associationSet></item>`,
          )
          .join("");
        return xml(
          200,
          `<DescribeRouteTablesResponse ${ns}><requestId>fake</requestId><routeTableSet>${items}</routeTableSet></DescribeRouteTablesResponse>`,
        );
      }
      default:
        return error("InvalidAction", `The action ${form.get("Action")} is not valid for this web service.`);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const fake: PreflightFake = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    account,
    calls,
    close: async () => {
      await timestream.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
