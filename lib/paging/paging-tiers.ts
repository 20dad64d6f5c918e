/**
 * PagingTiers: the three SNS topics alarms page through, per environment.
 *   P1 -> p1-enricher Lambda -> P1 delivery topic -> PagerDuty (HTTPS, CloudWatch integration)
 *   P2 -> AWS Chatbot (Slack and/or Microsoft Teams), read-only guardrail
 *   P3 -> email, and an optional ticketing webhook (HTTPS)
 * Topics are encrypted with a customer-managed key whose policy admits CloudWatch and Chatbot:
 * with the AWS-managed SNS key CloudWatch cannot publish and alarms fail silently.
 *
 * Secret URLs (PagerDuty, ticket webhook) reach the template only as CloudFormation dynamic
 * references ({{resolve:secretsmanager:<name>:SecretString:::}}): CloudFormation resolves them
 * at deploy time, so the URL is never in config, code, the synthesised template or its outputs.
 */
import { Annotations, ArnFormat, Duration, SecretValue, Stack } from "aws-cdk-lib";
import { CfnMicrosoftTeamsChannelConfiguration, LoggingLevel, SlackChannelConfiguration } from "aws-cdk-lib/aws-chatbot";
import { Effect, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IStream } from "aws-cdk-lib/aws-kinesis";
import { Key } from "aws-cdk-lib/aws-kms";
import { Subscription, type SubscriptionProps, SubscriptionProtocol, Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription, LambdaSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { alarmNamePrefix } from "../../core/catalog/alarm-names";
import type { Tier } from "../../core/catalog/types";
import { ConfigError } from "../../core/config/config-error";
import type { EnvironmentConfig } from "../../core/config/schema";
import { OFFENDER_THRESHOLDS_ENV_VAR, offenderThresholds } from "../../core/contracts/p1-enricher-settings";
import { FleetWatchFunction } from "../constructs/fleetwatch-function";
import { RESERVED_CONCURRENCY } from "../constructs/invoke-limits";
import { acknowledgeNag } from "../constructs/nag";
import { logRetention } from "../constructs/retention";

/** The Kinesis calls the enricher makes (lambdas/p1-enricher/kinesis-window.ts). */
export const P1_ENRICHER_STREAM_ACTIONS = ["kinesis:ListShards", "kinesis:GetShardIterator", "kinesis:GetRecords"] as const;

export interface PagingTiersProps {
  readonly config: EnvironmentConfig;
  /** The BMC snapshot stream; when given, P1 pages name the offending node/GPU. */
  readonly telemetryStream?: IStream;
}

/** Read-only guardrail for chat channels (Chatbot's default would be AdministratorAccess). */
export const CHATBOT_GUARDRAIL_POLICY = "CloudWatchReadOnlyAccess";

const GUID = /^[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}$/;

export class PagingTiers extends Construct {
  readonly key: Key;
  /** Where P1 alarms send ALARM/OK. */
  readonly p1: Topic;
  /** What PagerDuty is subscribed to (the enricher publishes here). */
  readonly p1Delivery: Topic;
  readonly p2: Topic;
  readonly p3: Topic;
  readonly p1Enricher: FleetWatchFunction;
  /**
   * Pages SNS could not deliver to PagerDuty or the ticket webhook after all its retries (a
   * rotated integration key, an endpoint down for hours). Alarmed on P2: a pager that fails
   * silently is the worst failure a monitoring stack can have.
   */
  readonly deliveryFailures: Queue;

  constructor(scope: Construct, id: string, props: PagingTiersProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);

    this.key = new Key(this, "TopicKey", {
      description: `FleetWatch ${config.name}: encrypts the paging topics`,
      enableKeyRotation: true,
    });
    // Each service may use the key only on behalf of this account's own resources (aws:SourceAccount,
    // aws:SourceArn: the confused-deputy guard of
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    // and https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
    // sns.amazonaws.com: SNS writes undeliverable pages into the KMS-encrypted delivery-failure queue.
    const sourceArns: Record<string, string | undefined> = {
      "cloudwatch.amazonaws.com": stack.formatArn({
        service: "cloudwatch",
        resource: "alarm",
        resourceName: `${alarmNamePrefix(config.name)}*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
      // Chatbot is scoped to the account only: its calls are not documented to carry aws:SourceArn.
      "chatbot.amazonaws.com": undefined,
      "sns.amazonaws.com": stack.formatArn({
        service: "sns",
        resource: `fleetwatch-${config.name}-*`,
        arnFormat: ArnFormat.NO_RESOURCE_NAME,
      }),
    };
    for (const [service, sourceArn] of Object.entries(sourceArns)) {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          sid: `Allow${service.split(".")[0]}ToUseTheKey`,
          principals: [new ServicePrincipal(service)],
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
          conditions: {
            StringEquals: { "aws:SourceAccount": stack.account },
            ...(sourceArn ? { ArnLike: { "aws:SourceArn": sourceArn } } : {}),
          },
        }),
      );
    }

    const topic = (tid: string, name: string, displayName: string) => {
      const t = new Topic(this, tid, {
        topicName: `fleetwatch-${config.name}-${name}`,
        displayName,
        masterKey: this.key,
        enforceSSL: true,
      });
      // CloudWatch alarms of this account (only) may publish.
      t.addToResourcePolicy(
        new PolicyStatement({
          sid: "AllowCloudWatchAlarmsOfThisAccount",
          effect: Effect.ALLOW,
          principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
          actions: ["sns:Publish"],
          resources: [t.topicArn],
          conditions: { StringEquals: { "aws:SourceAccount": stack.account } },
        }),
      );
      return t;
    };
    this.p1 = topic("P1", "p1", "FleetWatch P1 (PagerDuty)");
    this.p1Delivery = topic("P1Delivery", "p1-pagerduty", "FleetWatch P1 delivery to PagerDuty");
    this.p2 = topic("P2", "p2", "FleetWatch P2 (chat)");
    this.p3 = topic("P3", "p3", "FleetWatch P3 (email/ticket)");

    this.deliveryFailures = new Queue(this, "DeliveryFailures", {
      queueName: `fleetwatch-${config.name}-paging-delivery-failures`,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNag(
      this.deliveryFailures,
      "AwsSolutions-SQS3",
      "This queue is itself the dead-letter queue of the PagerDuty and ticket-webhook subscriptions; it is alarmed (paging-delivery-failed), not drained by a consumer.",
    );

    // ---- P1: enricher, then PagerDuty.
    this.p1Enricher = new FleetWatchFunction(this, "P1Enricher", {
      lambdaName: "p1-enricher",
      environmentName: config.name,
      logRetention: logRetention(config.retention.logDays),
      memorySize: 512,
      // Reads at most ~15 s of stream, then publishes: a page must not wait longer.
      timeout: Duration.seconds(30),
      description: `FleetWatch ${config.name}: names the node/GPU in P1 pages, forwards to PagerDuty`,
      environment: {
        DELIVERY_TOPIC_ARN: this.p1Delivery.topicArn,
        WINDOW_MINUTES: "10",
        // Thresholds resolved with config.thresholds, for alarms whose message carries none.
        [OFFENDER_THRESHOLDS_ENV_VAR]: JSON.stringify(offenderThresholds(config)),
        ...(props.telemetryStream ? { TELEMETRY_STREAM_NAME: props.telemetryStream.streamName } : {}),
      },
      // Async invocations from SNS: retried twice by Lambda; p1-enricher-errors pages PagerDuty directly.
      retryAttempts: 2,
      // Never throttled by the rest of the account (lib/constructs/invoke-limits.ts).
      reservedConcurrentExecutions: RESERVED_CONCURRENCY.p1Enricher,
    });
    this.p1Delivery.grantPublish(this.p1Enricher);
    acknowledgeNag(
      this.p1Enricher.role!,
      "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
      "Publishing to a KMS-encrypted SNS topic needs GenerateDataKey on that one key; the wildcard is the action family, the resource is the key.",
    );
    // Only what kinesis-window.ts calls (grantRead would add SubscribeToShard, ListStreams, ...).
    if (props.telemetryStream) {
      props.telemetryStream.grant(this.p1Enricher, ...P1_ENRICHER_STREAM_ACTIONS);
      props.telemetryStream.encryptionKey?.grantDecrypt(this.p1Enricher);
    }
    // The ALARM/OK ordering check (page.ts) reads the paged alarm's state. Composite alarms (the
    // suppressed signals' paging alarms) are only returned when DescribeAlarms is allowed on *
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
    this.p1Enricher.addToRolePolicy(new PolicyStatement({ actions: ["cloudwatch:DescribeAlarms"], resources: ["*"] }));
    acknowledgeNag(
      this.p1Enricher.role!,
      "AwsSolutions-IAM5[Resource::*]",
      "cloudwatch:DescribeAlarms returns composite alarms only when allowed on * (API reference); read-only, one alarm per P1 page.",
    );
    this.p1.addSubscription(new LambdaSubscription(this.p1Enricher));

    const pagerDutySecret = config.paging.p1.pagerDutyIntegrationUrlSecretName;
    if (pagerDutySecret) {
      this.secretUrlSubscription("PagerDuty", this.p1Delivery, pagerDutySecret, {
        // PagerDuty's CloudWatch integration parses the SNS envelope: raw delivery must stay off.
        rawMessageDelivery: false,
        deliveryPolicy: {
          healthyRetryPolicy: {
            numRetries: 50,
            minDelayTarget: Duration.seconds(5),
            maxDelayTarget: Duration.seconds(60),
            numNoDelayRetries: 3,
          },
        },
      });
    } else {
      Annotations.of(this).addInfo("paging.p1.pagerDutyIntegrationUrlSecretName is not set: P1 pages reach no one but the P1 topic.");
    }

    // ---- P2: chat channels through AWS Chatbot, read-only.
    const chatConfigured = config.paging.p2.slack.length + config.paging.p2.teams.length > 0;
    if (chatConfigured) {
      const guardrail = ManagedPolicy.fromAwsManagedPolicyName(CHATBOT_GUARDRAIL_POLICY);
      const role = new Role(this, "ChatbotRole", {
        assumedBy: new ServicePrincipal("chatbot.amazonaws.com"),
        description: "AWS Chatbot channel role for FleetWatch P2: read CloudWatch only",
        managedPolicies: [guardrail],
      });
      acknowledgeNag(
        role,
        `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${CHATBOT_GUARDRAIL_POLICY}]`,
        "CloudWatchReadOnlyAccess is the AWS-maintained read-only set Chatbot needs to render alarm graphs; a copy would drift.",
      );
      config.paging.p2.slack.forEach((slack, i) => {
        new SlackChannelConfiguration(this, `Slack${i}`, {
          slackChannelConfigurationName: `fleetwatch-${config.name}-p2-slack-${i}`,
          slackWorkspaceId: slack.workspaceId,
          slackChannelId: slack.channelId,
          notificationTopics: [this.p2],
          role,
          guardrailPolicies: [guardrail],
          loggingLevel: LoggingLevel.ERROR,
        });
      });
      config.paging.p2.teams.forEach((teams, i) => {
        if (!GUID.test(teams.teamId)) {
          throw new ConfigError(
            `paging.p2.teams[${i}].teamId: ${JSON.stringify(teams.teamId)} is not a Microsoft Teams team id; use the team's GUID (the groupId in the team's link), not a channel id like 19:...@thread.tacv2`,
          );
        }
        new CfnMicrosoftTeamsChannelConfiguration(this, `Teams${i}`, {
          configurationName: `fleetwatch-${config.name}-p2-teams-${i}`,
          teamsTenantId: teams.tenantId,
          teamId: teams.teamId,
          // Chatbot wants the channel id URL-encoded (19%3A...%40thread.tacv2), as in the channel's link.
          teamsChannelId: teams.channelId.includes("%") ? teams.channelId : encodeURIComponent(teams.channelId),
          iamRoleArn: role.roleArn,
          snsTopicArns: [this.p2.topicArn],
          guardrailPolicies: [guardrail.managedPolicyArn],
          loggingLevel: "ERROR",
        });
      });
    }

    // ---- P3: email and the ticket webhook.
    for (const email of config.paging.p3.emails) this.p3.addSubscription(new EmailSubscription(email));
    const ticketSecret = config.paging.p3.ticketWebhookSecretName;
    if (ticketSecret) {
      this.secretUrlSubscription("TicketWebhook", this.p3, ticketSecret);
    }
  }

  /** The topic an alarm of this tier sends ALARM and OK to. */
  topicFor(tier: Tier): Topic {
    return { P1: this.p1, P2: this.p2, P3: this.p3 }[tier];
  }

  /**
   * An HTTPS subscription whose URL is the value of a secret, as a dynamic reference:
   * CloudFormation resolves it while deploying; the template and cdk.out only hold the secret's
   * name. What SNS cannot deliver after its retries lands in deliveryFailures.
   */
  private secretUrlSubscription(id: string, topic: Topic, secretName: string, options: SecretUrlSubscriptionOptions = {}): Subscription {
    return new Subscription(this, id, {
      topic,
      protocol: SubscriptionProtocol.HTTPS,
      endpoint: SecretValue.secretsManager(secretName).unsafeUnwrap(),
      ...options,
      deadLetterQueue: this.deliveryFailures,
    });
  }
}

/** What a secret-URL subscription may set besides its endpoint and dead-letter queue. */
type SecretUrlSubscriptionOptions = Pick<SubscriptionProps, "rawMessageDelivery" | "deliveryPolicy">;
