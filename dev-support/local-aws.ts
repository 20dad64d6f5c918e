/** Region and credentials for SDK clients pointed at the local emulators and fakes (never real ones). */
export const LOCAL_AWS = { region: "eu-west-1", credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local" } } as const;
