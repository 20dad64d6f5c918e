/**
 * BurnRateAlarms: the SLO burn-rate alarms of core/catalog/slo.ts. Per SLO instance and per
 * policy (P1 14.4x, P2 6x, P3 1x), a long-window and a short-window metric alarm without
 * actions, and a composite alarm `ALARM(long) AND ALARM(short)` that sends ALARM and OK to the
 * policy's tier, so an incident opens only while both windows burn and resolves on the same tier.
 */
import { Duration, NestedStack } from "aws-cdk-lib";
import { Alarm, AlarmRule, AlarmState, type CompositeAlarm, type IAlarm } from "aws-cdk-lib/aws-cloudwatch";
import { Construct } from "constructs";
import { metricQueryOf } from "../../core/catalog/resolve";
import {
  type BurnRateComposite,
  type BurnRateWindowAlarm,
  CLOUDWATCH_ALARM_LIMITS,
  compositeRule,
  resolveBurnRateAlarms,
  sloById,
} from "../../core/catalog/slo";
import type { EnvironmentConfig } from "../../core/config/schema";
import type { PagingTiers } from "../paging/paging-tiers";
import { alarmConstructId, alarmRef } from "./alarm-ref";
import { CDK_COMPARISON, CDK_TREAT_MISSING, cdkMetric } from "./catalog-metric";
import { pagingComposite } from "./tier-actions";

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

/**
 * Above this many SLO alarms (9 per SLO instance) they go to nested stacks, whole SLO instances
 * at a time: CloudFormation allows 500 resources per stack, and the main stack holds the rest of
 * FleetWatch (lib/alarms/alarm-stacks.ts). prod (8 SLO instances, 72 alarms) stays in the main stack.
 */
export const MAX_SLO_ALARMS_IN_MAIN_STACK = 100;
/** 50 SLO instances (450 alarms) per nested stack. */
export const MAX_SLO_INSTANCES_PER_NESTED_STACK = 50;

export class BurnRateAlarms extends Construct {
  /** Window alarms and composites by alarm name. */
  readonly alarms = new Map<string, Alarm | CompositeAlarm>();
  /** Each composite as the main stack may reference it: itself, or by ARN when it lives in a nested stack (no outputs needed). */
  readonly compositeRefs = new Map<string, IAlarm>();
  readonly nestedStacks: NestedStack[] = [];
  /** The composites: the alarms that page (dashboards' alarm widgets list them by tier). */
  readonly composites: readonly BurnRateComposite[];
  readonly windows: readonly BurnRateWindowAlarm[];

  constructor(scope: Construct, id: string, props: BurnRateAlarmsProps) {
    super(scope, id);
    const { config, paging } = props;
    const resolved = resolveBurnRateAlarms(config);
    this.composites = resolved.composites;
    this.windows = resolved.windows;

    const nested = resolved.windows.length + resolved.composites.length > MAX_SLO_ALARMS_IN_MAIN_STACK;
    const instanceIndex = new Map(resolved.slos.map((slo, i) => [slo, i]));
    const scopeOf = (slo: BurnRateWindowAlarm["slo"]): Construct => {
      if (!nested) return this;
      const group = Math.floor((instanceIndex.get(slo) ?? 0) / MAX_SLO_INSTANCES_PER_NESTED_STACK);
      this.nestedStacks[group] ??= new NestedStack(this, `SloGroup${group + 1}`, {
        description: `FleetWatch ${config.name}: SLO burn-rate alarms, group ${group + 1}`,
      });
      return this.nestedStacks[group];
    };

    for (const w of resolved.windows) {
      const query = metricQueryOf({ signalId: w.name, source: w.source, dimensions: w.dimensions, statistic: "Sum" })!;
      const alarm = new Alarm(scopeOf(w.slo), alarmConstructId(w.name), {
        alarmName: w.name,
        alarmDescription: w.description,
        metric: cdkMetric(query, Duration.seconds(w.periodSeconds)),
        threshold: w.threshold,
        comparisonOperator: CDK_COMPARISON.GreaterThanThreshold,
        evaluationPeriods: w.evaluationPeriods,
        datapointsToAlarm: w.datapointsToAlarm,
        treatMissingData: CDK_TREAT_MISSING.notBreaching,
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
      const scope = scopeOf(c.slo);
      const composite = pagingComposite(scope, `${alarmConstructId(c.name)}Composite`, {
        name: c.name,
        description: c.description,
        rule: AlarmRule.allOf(AlarmRule.fromAlarm(long, AlarmState.ALARM), AlarmRule.fromAlarm(short, AlarmState.ALARM)),
        ...(suppressor ? { suppressor } : {}),
        topic: paging.topicFor(c.tier),
      });
      this.alarms.set(c.name, composite);
      this.compositeRefs.set(c.name, alarmRef(this, composite, c.name, scope === this));
    }
  }
}
