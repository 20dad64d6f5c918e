/**
 * SignalAlarms: every CloudWatch alarm of the stack, made from the signal catalog. Each alarm
 * sends ALARM and OK to its tier's topic (so PagerDuty incidents resolve themselves), sets
 * TreatMissingData explicitly and uses M-of-N datapoints. Signals with a `suppressedBy` page
 * through a composite alarm whose actions are suppressed while the explaining alarm is in ALARM.
 * Pipeline alarms on AWS resources exist only when that resource was passed in.
 */
import { Duration, NestedStack } from "aws-cdk-lib";
import { Alarm, AlarmRule, AlarmState, type CompositeAlarm, type IAlarm, type IMetric } from "aws-cdk-lib/aws-cloudwatch";
import { EventBus, Rule } from "aws-cdk-lib/aws-events";
import { EventBus as EventBusTarget } from "aws-cdk-lib/aws-events-targets";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { metricQueryOf, resolveAlarms } from "../../core/catalog/resolve";
import type { AlarmSpec, PipelineResource } from "../../core/catalog/types";
import type { EnvironmentConfig } from "../../core/config/schema";
import type { PagingTiers } from "../paging/paging-tiers";
import { alarmConstructId, alarmRef } from "./alarm-ref";
import { planAlarmStacks } from "./alarm-stacks";
import { CDK_COMPARISON, CDK_TREAT_MISSING, cdkMetric } from "./catalog-metric";
import { addTierActions, pagingComposite } from "./tier-actions";

export interface SignalAlarmsProps {
  readonly config: EnvironmentConfig;
  readonly paging: PagingTiers;
  /** RedfishPoller.function: enables poller-errors. */
  readonly redfishPollerFunction?: IFunction;
  /** TelemetryPipeline.ingestFunction: enables ingest-iterator-age. */
  readonly ingestFunction?: IFunction;
  /** TelemetryPipeline.deadLetterQueue: enables ingest-dlq-depth. */
  readonly deadLetterQueue?: IQueue;
  /** AzureOpenAiPoller.function: enables azure-poller-errors. */
  readonly azurePollerFunction?: IFunction;
}

/** Detail-type and source of the optional remediation hook (the standard alarm state change event). */
export const REMEDIATION_SIGNAL = { signalId: "gpu-temperature", level: "critical" } as const;

export class SignalAlarms extends Construct {
  /** Every alarm the catalog asked for and that was created, by alarm name (composites included). */
  readonly alarms = new Map<string, Alarm | CompositeAlarm>();
  /**
   * The same alarms as seen from the main stack: the alarm itself, or (for an alarm in a nested
   * stack) a reference by its ARN, so dashboards and rules there need no cross-stack output.
   */
  readonly alarmRefs = new Map<string, IAlarm>();
  /** Nested stacks holding per-cluster/per-deployment alarms at fleet scale (lib/alarms/alarm-stacks.ts). */
  readonly nestedStacks: NestedStack[] = [];
  /** Catalog alarms not created because their resource was not passed in, with the reason. */
  readonly skipped: { readonly name: string; readonly reason: string }[] = [];
  readonly specs: readonly AlarmSpec[];
  /** Set when config.remediation.gpuOverheatEvent is on. */
  readonly remediationBus?: EventBus;

  constructor(scope: Construct, id: string, props: SignalAlarmsProps) {
    super(scope, id);
    const { config, paging } = props;
    this.specs = resolveAlarms(config);
    const resources: Record<PipelineResource, IFunction | IQueue | undefined> = {
      redfishPollerFunction: props.redfishPollerFunction,
      ingestFunction: props.ingestFunction,
      azurePollerFunction: props.azurePollerFunction,
      deadLetterQueue: props.deadLetterQueue,
      p1EnricherFunction: paging.p1Enricher,
      pagingDeliveryFailures: paging.deliveryFailures,
    };

    const plan = planAlarmStacks(this.specs);
    const scopeOf = (spec: AlarmSpec): Construct => {
      const group = plan.get(spec.name);
      if (group === undefined) return this;
      this.nestedStacks[group] ??= new NestedStack(this, `AlarmGroup${group + 1}`, {
        description: `FleetWatch ${config.name}: per-cluster and per-deployment alarms, group ${group + 1}`,
      });
      return this.nestedStacks[group];
    };
    const register = (name: string, alarm: Alarm | CompositeAlarm, scope: Construct) => {
      this.alarms.set(name, alarm);
      this.alarmRefs.set(name, alarmRef(this, alarm, name, scope === this));
    };

    const metricAlarms = new Map<string, Alarm>();
    for (const spec of this.specs) {
      const metric = this.metricFor(spec, resources);
      if (!metric) {
        this.skipped.push({ name: spec.name, reason: `needs ${spec.source.kind === "resource" ? spec.source.resource : "?"}, not wired` });
        continue;
      }
      const alarm = new Alarm(scopeOf(spec), alarmConstructId(spec.name), {
        alarmName: spec.name,
        alarmDescription: spec.description,
        metric,
        threshold: spec.threshold,
        comparisonOperator: CDK_COMPARISON[spec.comparison],
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: CDK_TREAT_MISSING[spec.treatMissingData],
        actionsEnabled: true,
      });
      metricAlarms.set(spec.name, alarm);
      register(spec.name, alarm, scopeOf(spec));
    }

    for (const spec of this.specs) {
      const alarm = metricAlarms.get(spec.name);
      if (!alarm) continue;
      const topic = this.topicFor(spec, paging);
      const suppressor = spec.suppressedByAlarm ? metricAlarms.get(spec.suppressedByAlarm) : undefined;
      if (spec.suppressedByAlarm && suppressor) {
        const composite = pagingComposite(scopeOf(spec), `${alarmConstructId(spec.name)}Paging`, {
          name: spec.pagingAlarmName,
          description: spec.description,
          rule: AlarmRule.fromAlarm(alarm, AlarmState.ALARM),
          suppressor,
          topic,
        });
        register(spec.pagingAlarmName, composite, scopeOf(spec));
      } else {
        addTierActions(alarm, topic);
      }
    }

    if (config.remediation.gpuOverheatEvent) {
      const overheat = this.specs
        .filter((s) => s.signalId === REMEDIATION_SIGNAL.signalId && s.level === REMEDIATION_SIGNAL.level)
        .map((s) => (metricAlarms.has(s.name) ? this.alarmRefs.get(s.name)?.alarmArn : undefined))
        .filter((arn): arn is string => arn !== undefined);
      if (overheat.length > 0) {
        this.remediationBus = new EventBus(this, "RemediationBus", { eventBusName: `fleetwatch-${config.name}-remediation` });
        new Rule(this, "GpuOverheatRule", {
          description: "Sustained GPU over-temperature (critical alarm in ALARM): forwarded for drain/batch-size jobs",
          eventPattern: {
            source: ["aws.cloudwatch"],
            detailType: ["CloudWatch Alarm State Change"],
            resources: overheat,
            detail: { state: { value: ["ALARM"] } },
          },
          targets: [new EventBusTarget(this.remediationBus)],
        });
      }
    }
  }

  /** The topic a catalog alarm sends to: its tier, except the enricher's own alarm, which bypasses it. */
  topicFor(spec: AlarmSpec, paging: PagingTiers): ITopic {
    return spec.signalId === "p1-enricher-errors" ? paging.p1Delivery : paging.topicFor(spec.tier);
  }

  private metricFor(spec: AlarmSpec, resources: Record<PipelineResource, IFunction | IQueue | undefined>): IMetric | undefined {
    const period = Duration.seconds(spec.periodSeconds);
    const query = metricQueryOf(spec);
    if (query) return cdkMetric(query, period);
    if (spec.source.kind !== "resource") throw new Error(`${spec.name}: no metric query for a ${spec.source.kind} source`);
    return resources[spec.source.resource]?.metric(spec.source.metricName, { statistic: spec.statistic, period });
  }
}
