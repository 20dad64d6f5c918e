/**
 * What the capacity-forecast Lambda needs, computed from the environment config at synth time
 * (lib/capacity) and passed as one JSON environment variable, validated on cold start. No
 * secret: the Azure service principal is read from Secrets Manager by name.
 */
import { z } from "zod";

export const SETTINGS_ENV_VAR = "FLEETWATCH_CAPACITY_SETTINGS";

export const CapacitySettingsSchema = z.strictObject({
  environment: z.string().min(1),
  clusters: z.array(z.string().min(1)),
  pollIntervalSeconds: z.number().int().min(60),
  gpuHourUsd: z.number().nonnegative(),
  dailyGpuBudgetUsd: z.number().nonnegative(),
  deployments: z.array(z.strictObject({ name: z.string().min(1), dailyBudgetUsd: z.number().nonnegative() })),
  azure: z
    .strictObject({
      credentialsSecretName: z.string().min(1),
      authorityHost: z.url(),
      resourceManager: z.url(),
      accounts: z
        .array(
          z.strictObject({
            resourceId: z
              .string()
              .regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.CognitiveServices\/accounts\/[^/]+$/i),
            region: z.string().min(1),
            deployments: z.array(z.string().min(1)).min(1),
          }),
        )
        .min(1),
    })
    .optional(),
});
export type CapacitySettings = z.infer<typeof CapacitySettingsSchema>;
