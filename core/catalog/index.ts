/** The signal catalog: definitions, per-environment resolution and CloudWatch's evaluation rules. Pure. */
export * from "./alarm-names";
export * from "./composite";
export * from "./evaluate";
export * from "./operators";
export * from "./resolve";
export * from "./signals";
export * from "./slo";
export * from "./types";
