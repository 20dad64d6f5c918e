/**
 * The three FleetWatch dashboards (docs/signal-catalog.md, "Dashboards"), generated from the
 * metric registry, the signal catalog and the environment's config. Pure data: see spec.ts.
 */
import type { EnvironmentConfig } from "../core/config/schema";
import { capacityDashboard } from "./capacity";
import { engineeringDashboard } from "./engineering";
import { executiveDashboard } from "./executive";
import type { DashboardSpec } from "./spec";

export function fleetWatchDashboards(config: EnvironmentConfig): DashboardSpec[] {
  return [executiveDashboard(config), engineeringDashboard(config), capacityDashboard(config)];
}
