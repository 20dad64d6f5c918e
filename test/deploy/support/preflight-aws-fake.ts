/**
 * One local server that answers the read-only AWS calls of `npx fleetwatch preflight` in each
 * service's own wire protocol, success and failure answers alike, so the real SDK clients run
 * against it (the CLI's --endpoint-url points them all here):
 *   - Secrets Manager GetSecretValue, AWS JSON 1.1 (X-Amz-Target secretsmanager.*)
 *     https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 *   - Systems Manager GetParameter, AWS JSON 1.1 (X-Amz-Target AmazonSSM.*)
 *     https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
 *   - Timestream Write DescribeEndpoints / ListDatabases, AWS JSON 1.0 (Timestream_20181101.*)
 *     https://docs.aws.amazon.com/timestream/latest/developerguide/API_DescribeEndpoints.html
 *   - Lambda GetAccountSettings, REST-JSON GET /2016-08-19/account-settings
 *     https://docs.aws.amazon.com/lambda/latest/api/API_GetAccountSettings.html
 *   - AWS Chatbot DescribeSlackWorkspaces / ListMicrosoftTeamsConfiguredTeams, REST-JSON POST
 *     https://docs.aws.amazon.com/chatbot/latest/APIReference/API_DescribeSlackWorkspaces.html
 *   - EC2 DescribeSubnets / DescribeRouteTables, EC2 Query protocol (form body, XML answers)
 *     https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSubnets.html
 *     https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRouteTables.html
 *     errors: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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

export async function startPreflightFake(account: PreflightAccount = emptyAccount()): Promise<PreflightFake> {
  const calls: string[] = [];
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

  function route(req: IncomingMessage, res: ServerResponse, body: string) {
    const target = String(req.headers["x-amz-target"] ?? "");
    if (target) {
      const [service, operation] = target.split(".");
      calls.push(`${service}:${operation}`);
      const input = JSON.parse(body || "{}") as Record<string, unknown>;
      if (service === "secretsmanager" && operation === "GetSecretValue") return getSecretValue(res, String(input.SecretId));
      if (service === "AmazonSSM" && operation === "GetParameter") return getParameter(res, String(input.Name));
      if (service === "Timestream_20181101") return timestream(res, operation ?? "");
      return json(res, 400, { __type: "UnknownOperationException", message: target }, "application/x-amz-json-1.1");
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "GET" && url.pathname === "/2016-08-19/account-settings") {
      calls.push("lambda:GetAccountSettings");
      // GetAccountSettings response: AccountLimit and AccountUsage.
      return json(
        res,
        200,
        {
          AccountLimit: {
            TotalCodeSize: 80_530_636_800,
            CodeSizeUnzipped: 262_144_000,
            CodeSizeZipped: 52_428_800,
            ConcurrentExecutions: account.concurrentExecutions,
            UnreservedConcurrentExecutions: account.unreservedConcurrentExecutions,
          },
          AccountUsage: { TotalCodeSize: 0, FunctionCount: 0 },
        },
        "application/json",
      );
    }
    if (req.method === "POST" && url.pathname === "/describe-slack-workspaces") {
      calls.push("chatbot:DescribeSlackWorkspaces");
      return json(
        res,
        200,
        { SlackWorkspaces: account.slackWorkspaces.map((w) => ({ SlackTeamId: w.id, SlackTeamName: w.name })) },
        "application/json",
      );
    }
    if (req.method === "POST" && url.pathname === "/list-ms-teams-configured-teams") {
      calls.push("chatbot:ListMicrosoftTeamsConfiguredTeams");
      return json(
        res,
        200,
        { ConfiguredTeams: account.teams.map((t) => ({ TenantId: t.tenantId, TeamId: t.teamId, TeamName: t.name })) },
        "application/json",
      );
    }
    if (req.method === "POST" && String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded")) {
      const form = new URLSearchParams(body);
      calls.push(`ec2:${form.get("Action")}`);
      return ec2(res, form);
    }
    res.writeHead(404).end();
  }

  function getSecretValue(res: ServerResponse, id: string) {
    const value = account.secrets.get(id);
    if (value === undefined)
      return json(
        res,
        400,
        { __type: "ResourceNotFoundException", Message: "Secrets Manager can't find the specified secret." },
        "application/x-amz-json-1.1",
        "ResourceNotFoundException",
      );
    return json(
      res,
      200,
      {
        ARN: `arn:aws:secretsmanager:eu-west-1:111111111111:secret:${id}-AbCdEf`,
        Name: id,
        SecretString: value,
        VersionId: "00000000-0000-4000-8000-000000000001",
        VersionStages: ["AWSCURRENT"],
        CreatedDate: 1_764_547_200,
      },
      "application/x-amz-json-1.1",
    );
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

  function timestream(res: ServerResponse, operation: string) {
    if (account.timestreamClosed)
      // What an account without LiveAnalytics access gets: AccessDeniedException (HTTP 403).
      return json(
        res,
        403,
        { __type: "com.amazonaws.timestream.v20181101#AccessDeniedException", Message: "You are not authorized to perform this action" },
        "application/x-amz-json-1.0",
        "AccessDeniedException",
      );
    if (operation === "DescribeEndpoints")
      return json(
        res,
        200,
        { Endpoints: [{ Address: fake.endpoint.replace(/^https?:\/\//, ""), CachePeriodInMinutes: 1440 }] },
        "application/x-amz-json-1.0",
      );
    if (operation === "ListDatabases")
      return json(
        res,
        200,
        {
          Databases: account.timestreamDatabases.map((d) => ({
            DatabaseName: d,
            Arn: `arn:aws:timestream:eu-west-1:111111111111:database/${d}`,
          })),
        },
        "application/x-amz-json-1.0",
      );
    return json(res, 400, { __type: "UnknownOperationException", Message: operation }, "application/x-amz-json-1.0");
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return fake;
}
