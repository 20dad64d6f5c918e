/**
 * BurnRateAlarms: the SLO burn-rate alarms of lib/catalog/slo.ts. Per SLO instance and per
 * policy (P1 14.4x, P2 6x, P3 1x), a long-window and a short-window metric alarm without
 * actions, and a composite alarm `ALARM(long) AND ALARM(short)` that sends ALARM and OK to the
 * policy's tier, so an incident opens only while both windows burn and resolves on the same tier.
 */
import { Duration } from "aws-cdk-lib";
import {
  Alarm,
  AlarmRule,
  AlarmState,
  ComparisonOperator,
  CompositeAlarm,
  type IAlarm,
  MathExpression,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { Construct } from "constructs";
import {
  type BurnRateComposite,
  type BurnRateWindowAlarm,
  CLOUDWATCH_ALARM_LIMITS,
  compositeRule,
  resolveBurnRateAlarms,
  sloById,
} from "../catalog/slo";
import type { EnvironmentConfig } from "../config/schema";
import type { PagingTiers } from "../paging/paging-tiers";
import { fleetWatchMetric, SUPPRESSOR_EXTENSION, SUPPRESSOR_WAIT } from "./signal-alarms";

export interface BurnRateAlarmsProps {
  readonly config: EnvironmentConfig;
  readonly paging: PagingTiers;
  /**
   * Catalog alarms that may suppress SLO pages, by signal id (SloDefinition.suppressedBy: the
   * GPU fleet SLO is suppressed by `bmc-network-outage`). A missing one (signal disabled) means
   * the SLO pages directly.
   * @default {}
   */
  readonly suppressors?: Readonly<Record<string, IAlarm | undefined>>;
}

export class BurnRateAlarms extends Construct {
  /** Window alarms and composites by alarm name. */
  readonly alarms = new Map<string, Alarm | CompositeAlarm>();
  /** The composites: the alarms that page (dashboards' alarm widgets list them by tier). */
  readonly composites: readonly BurnRateComposite[];
  readonly windows: readonly BurnRateWindowAlarm[];

  constructor(scope: Construct, id: string, props: BurnRateAlarmsProps) {
    super(scope, id);
    const { config, paging } = props;
    const resolved = resolveBurnRateAlarms(config);
    this.composites = resolved.composites;
    this.windows = resolved.windows;

    for (const w of resolved.windows) {
      const period = Duration.seconds(w.periodSeconds);
      const usingMetrics = Object.fromEntries(
        Object.entries(w.source.inputs).map(([key, input]) => [key, fleetWatchMetric(input, w.dimensions, period)]),
      );
      const alarm = new Alarm(this, constructId(w.name), {
        alarmName: w.name,
        alarmDescription: w.description,
        metric: new MathExpression({ expression: w.source.expression, usingMetrics, period, label: w.source.label }),
        threshold: w.threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: w.evaluationPeriods,
        datapointsToAlarm: w.datapointsToAlarm,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        // The composite pages; a window alone is not a page.
        actionsEnabled: false,
      });
      this.alarms.set(w.name, alarm);
    }

    for (const c of resolved.composites) {
      const rule = compositeRule(config, c);
      if (rule.length > CLOUDWATCH_ALARM_LIMITS.compositeRuleChars) {
        throw new Error(
          `${c.name}: composite rule of ${rule.length} characters exceeds CloudWatch's ${CLOUDWATCH_ALARM_LIMITS.compositeRuleChars}`,
        );
      }
      const long = this.alarms.get(c.long.name) as Alarm;
      const short = this.alarms.get(c.short.name) as Alarm;
      const suppressedBy = sloById(c.slo.slo).suppressedBy;
      const suppressor = suppressedBy ? props.suppressors?.[suppressedBy] : undefined;
      const composite = new CompositeAlarm(this, `${constructId(c.name)}Composite`, {
        compositeAlarmName: c.name,
        alarmDescription: c.description,
        alarmRule: AlarmRule.allOf(AlarmRule.fromAlarm(long, AlarmState.ALARM), AlarmRule.fromAlarm(short, AlarmState.ALARM)),
        ...(suppressor
          ? {
              actionsSuppressor: suppressor,
              actionsSuppressorWaitPeriod: SUPPRESSOR_WAIT,
              actionsSuppressorExtensionPeriod: SUPPRESSOR_EXTENSION,
            }
          : {}),
      });
      const action = new SnsAction(paging.topicFor(c.tier));
      composite.addAlarmAction(action);
      composite.addOkAction(action);
      this.alarms.set(c.name, composite);
    }
  }
}

function constructId(alarmName: string): string {
  return alarmName
    .split("/")
    .slice(2)
    .map((p) => p.replace(/[^A-Za-z0-9]/g, "_"))
    .join("-");
}
