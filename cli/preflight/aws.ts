/**
 * Thin adapters over the read-only AWS calls the preflight makes. Every call is a Describe/Get/
 * List; nothing here writes. `endpoint` (the CLI's --endpoint-url) points every client at one
 * place, as the AWS CLI's option does: the tests' local fakes.
 */
import { ChatbotClient, DescribeSlackWorkspacesCommand, ListMicrosoftTeamsConfiguredTeamsCommand } from "@aws-sdk/client-chatbot";
import { DescribeRouteTablesCommand, DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetAccountSettingsCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { DescribeEndpointsCommand, ListDatabasesCommand, TimestreamWriteClient } from "@aws-sdk/client-timestream-write";

export interface Subnet {
  readonly subnetId: string;
  readonly vpcId: string;
}
export interface Route {
  readonly destination: string;
  readonly state: string;
}

/** What the checks need from AWS; each method is one read-only call (or its pages). */
export interface PreflightAws {
  secretString(name: string): Promise<string | undefined>;
  subnets(ids: readonly string[]): Promise<Subnet[]>;
  /** Routes of the subnet's route table (its explicit association, else the VPC's main table). */
  routes(subnetId: string, vpcId: string): Promise<Route[]>;
  slackWorkspaceIds(): Promise<string[]>;
  teamsConfigured(): Promise<{ tenantId: string; teamId: string }[]>;
  timestreamDatabases(): Promise<string[]>;
  unreservedConcurrency(): Promise<number>;
  bootstrapVersion(qualifier: string): Promise<number | undefined>;
}

export function awsAdapters(region: string, endpoint?: string): PreflightAws {
  const opts = { region, ...(endpoint ? { endpoint } : {}) };
  const secrets = new SecretsManagerClient(opts);
  const ec2 = new EC2Client(opts);
  const chatbot = new ChatbotClient({ ...opts, region: endpoint ? region : "us-east-2" });
  const timestream = new TimestreamWriteClient(opts);
  const lambda = new LambdaClient(opts);
  const ssm = new SSMClient(opts);
  return {
    async secretString(name) {
      const out = await secrets.send(new GetSecretValueCommand({ SecretId: name }));
      return out.SecretString;
    },
    async subnets(ids) {
      const out = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [...ids] }));
      return (out.Subnets ?? []).map((s) => ({ subnetId: s.SubnetId ?? "", vpcId: s.VpcId ?? "" }));
    },
    async routes(subnetId, vpcId) {
      const explicit = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "association.subnet-id", Values: [subnetId] }] }));
      let tables = explicit.RouteTables ?? [];
      if (tables.length === 0) {
        const main = await ec2.send(
          new DescribeRouteTablesCommand({
            Filters: [
              { Name: "vpc-id", Values: [vpcId] },
              { Name: "association.main", Values: ["true"] },
            ],
          }),
        );
        tables = main.RouteTables ?? [];
      }
      return tables.flatMap((t) => (t.Routes ?? []).map((r) => ({ destination: r.DestinationCidrBlock ?? "", state: r.State ?? "" })));
    },
    async slackWorkspaceIds() {
      const ids: string[] = [];
      let token: string | undefined;
      do {
        const out = await chatbot.send(new DescribeSlackWorkspacesCommand({ NextToken: token }));
        for (const w of out.SlackWorkspaces ?? []) if (w.SlackTeamId) ids.push(w.SlackTeamId);
        token = out.NextToken;
      } while (token);
      return ids;
    },
    async teamsConfigured() {
      const teams: { tenantId: string; teamId: string }[] = [];
      let token: string | undefined;
      do {
        const out = await chatbot.send(new ListMicrosoftTeamsConfiguredTeamsCommand({ NextToken: token }));
        for (const t of out.ConfiguredTeams ?? []) teams.push({ tenantId: t.TenantId ?? "", teamId: t.TeamId ?? "" });
        token = out.NextToken;
      } while (token);
      return teams;
    },
    async timestreamDatabases() {
      // DescribeEndpoints first: the call an account closed to LiveAnalytics is refused on.
      await timestream.send(new DescribeEndpointsCommand({}));
      const out = await timestream.send(new ListDatabasesCommand({ MaxResults: 20 }));
      return (out.Databases ?? []).map((d) => d.DatabaseName ?? "");
    },
    async unreservedConcurrency() {
      const out = await lambda.send(new GetAccountSettingsCommand({}));
      return out.AccountLimit?.UnreservedConcurrentExecutions ?? 0;
    },
    async bootstrapVersion(qualifier) {
      try {
        const out = await ssm.send(new GetParameterCommand({ Name: `/cdk-bootstrap/${qualifier}/version` }));
        return Number(out.Parameter?.Value);
      } catch (err) {
        if ((err as Error).name === "ParameterNotFound") return undefined;
        throw err;
      }
    },
  };
}
