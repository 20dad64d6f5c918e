/**
 * FleetWatchDashboards: the executive, engineering and capacity CloudWatch dashboards
 * (FleetWatch-<env>-<id>) and the on-call's saved Logs Insights queries, all generated from
 * the plain-data definitions in dashboards/ (the same data the HTML preview renders).
 */
import { Stack } from "aws-cdk-lib";
import {
  ConcreteWidget,
  Dashboard,
  DashboardVariable,
  DefaultValue,
  type IAlarm,
  PeriodOverride,
  VariableInputType,
  VariableType,
} from "aws-cdk-lib/aws-cloudwatch";
import { type ILogGroup, QueryDefinition, QueryString } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import type { Tier } from "../../core/catalog/types";
import type { EnvironmentConfig } from "../../core/config/schema";
import { type BodyContext, type CloudWatchWidget, cloudWatchWidget } from "../../dashboards/cloudwatch-body";
import { fleetWatchDashboards } from "../../dashboards/fleetwatch-dashboards";
import { logsInsightsQueries } from "../../dashboards/logs-insights/queries";
import type { DashboardId, LogSource } from "../../dashboards/spec";

export interface FleetWatchDashboardsProps {
  readonly config: EnvironmentConfig;
  /**
   * Log groups of the Lambdas whose structured logs the Logs Insights widgets and saved
   * queries read. A missing one turns its widgets into a note and skips its saved queries.
   * @default - none
   */
  readonly logGroups?: Partial<Record<LogSource, ILogGroup>>;
  /**
   * Alarms to show as "open P1/P2 alarms" on the executive dashboard, by paging tier.
   * @default - none: the widgets say no alarms are wired yet
   */
  readonly alarmsByTier?: Partial<Record<Tier, readonly IAlarm[]>>;
}

/** The alarms that page, grouped by tier (composite "paging" alarms where the catalog suppresses). */
export function alarmsByTier(signalAlarms: {
  readonly specs: readonly { readonly tier: Tier; readonly name: string; readonly pagingAlarmName: string }[];
  readonly alarms: ReadonlyMap<string, IAlarm>;
}): Partial<Record<Tier, IAlarm[]>> {
  const out: Partial<Record<Tier, IAlarm[]>> = {};
  for (const spec of signalAlarms.specs) {
    const alarm = signalAlarms.alarms.get(spec.pagingAlarmName) ?? signalAlarms.alarms.get(spec.name);
    if (!alarm) continue;
    const list = out[spec.tier] ?? [];
    if (!list.includes(alarm)) list.push(alarm);
    out[spec.tier] = list;
  }
  return out;
}

/** A widget whose CloudWatch JSON comes straight from dashboards/cloudwatch-body.ts. */
class SpecWidget extends ConcreteWidget {
  constructor(private readonly json: CloudWatchWidget) {
    super(json.width, json.height);
  }
  toJson(): unknown[] {
    return [{ type: this.json.type, width: this.width, height: this.height, x: this.x, y: this.y, properties: this.json.properties }];
  }
}

export class FleetWatchDashboards extends Construct {
  readonly dashboards: Readonly<Record<DashboardId, Dashboard>>;
  readonly queryDefinitions: readonly QueryDefinition[];

  constructor(scope: Construct, id: string, props: FleetWatchDashboardsProps) {
    super(scope, id);
    const { config } = props;
    const logGroups = props.logGroups ?? {};
    const ctx: BodyContext = {
      region: Stack.of(this).region,
      logGroupName: (source) => logGroups[source]?.logGroupName,
      alarmArns: (tier) => (props.alarmsByTier?.[tier] ?? []).map((a) => a.alarmArn),
    };

    const dashboards = {} as Record<DashboardId, Dashboard>;
    for (const spec of fleetWatchDashboards(config)) {
      const dashboard = new Dashboard(this, `${spec.id[0]!.toUpperCase()}${spec.id.slice(1)}`, {
        dashboardName: spec.name,
        start: spec.start,
        periodOverride: PeriodOverride.INHERIT,
        variables: spec.variables.map(
          (v) =>
            new DashboardVariable({
              id: v.id,
              label: v.label,
              type: VariableType.PATTERN,
              inputType: VariableInputType.INPUT,
              value: v.pattern,
              defaultValue: DefaultValue.value(v.defaultValue),
            }),
        ),
      });
      for (const row of spec.rows) dashboard.addWidgets(...row.map((w) => new SpecWidget(cloudWatchWidget(w, ctx))));
      dashboards[spec.id] = dashboard;
    }
    this.dashboards = dashboards;

    const definitions: QueryDefinition[] = [];
    for (const q of logsInsightsQueries()) {
      const groups = q.sources.map((s) => logGroups[s]);
      if (groups.some((g) => g === undefined)) continue;
      definitions.push(
        new QueryDefinition(this, `Query-${q.id}`, {
          queryDefinitionName: `FleetWatch-${config.name}/${q.id}`,
          logGroups: groups as ILogGroup[],
          queryString: new QueryString({
            ...(q.fields ? { fields: [...q.fields] } : {}),
            ...(q.filter ? { filterStatements: [...q.filter] } : {}),
            ...(q.stats ? { statsStatements: [...q.stats] } : {}),
            ...(q.sort ? { sort: q.sort } : {}),
            ...(q.limit !== undefined ? { limit: q.limit } : {}),
          }),
        }),
      );
    }
    this.queryDefinitions = definitions;
  }
}
