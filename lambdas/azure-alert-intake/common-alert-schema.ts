/**
 * Azure Monitor's common alert schema (schemaId "azureMonitorCommonAlertSchema"), the payload an
 * action group webhook sends when "useCommonAlertSchema" is on. Only what routing needs is
 * required; everything else is optional because the alert context differs per signal type.
 */
import { z } from "zod";

const SEVERITIES = ["Sev0", "Sev1", "Sev2", "Sev3", "Sev4"] as const;
export type AzureSeverity = (typeof SEVERITIES)[number];

const Dimension = z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean(), z.null()]) });

const Condition = z
  .object({
    windowSize: z.string().optional(),
    allOf: z
      .array(
        z
          .object({
            metricName: z.string().nullish(),
            metricMeasureColumn: z.string().nullish(),
            searchQuery: z.string().nullish(),
            operator: z.string().nullish(),
            threshold: z.union([z.string(), z.number()]).nullish(),
            timeAggregation: z.string().nullish(),
            metricValue: z.number().nullish(),
            dimensions: z.array(Dimension).nullish(),
            linkToFilteredSearchResultsUI: z.string().nullish(),
            linkToSearchResultsUI: z.string().nullish(),
          })
          .loose(),
      )
      .optional(),
    windowStartTime: z.string().optional(),
    windowEndTime: z.string().optional(),
  })
  .loose();

export const CommonAlertSchema = z.object({
  schemaId: z.literal("azureMonitorCommonAlertSchema", {
    error: 'expected schemaId "azureMonitorCommonAlertSchema": enable useCommonAlertSchema on the action group webhook',
  }),
  data: z.object({
    essentials: z
      .object({
        alertId: z.string().min(1),
        alertRule: z.string().min(1),
        severity: z.enum(SEVERITIES),
        signalType: z.string().optional(),
        monitorCondition: z.enum(["Fired", "Resolved"]),
        monitoringService: z.string().optional(),
        alertTargetIDs: z.array(z.string()).default([]),
        configurationItems: z.array(z.string()).optional(),
        originAlertId: z.string().optional(),
        firedDateTime: z.string(),
        resolvedDateTime: z.string().optional(),
        description: z.string().nullish(),
        essentialsVersion: z.string().optional(),
        alertContextVersion: z.string().optional(),
        investigationLink: z.string().optional(),
      })
      .loose(),
    // Log search alerts v2 put the rule's custom properties here, not in data.customProperties.
    alertContext: z
      .object({
        conditionType: z.string().optional(),
        condition: Condition.optional(),
        properties: z.record(z.string(), z.string().nullable()).nullish(),
      })
      .loose()
      .nullish(),
    customProperties: z.record(z.string(), z.string().nullable()).nullish(),
  }),
});

export type CommonAlert = z.infer<typeof CommonAlertSchema>;
