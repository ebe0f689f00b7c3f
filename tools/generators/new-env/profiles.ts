export const PROFILE_NAMES = ['dev', 'staging', 'prod'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** What kind of environment a name stands for, and the values that follow from that. */
export interface Profile {
  name: ProfileName;
  /** Deployed (Fly, Render, a GitHub environment) rather than a laptop: only then are platform files written. */
  deployed: boolean;
  /** Take the schema's devDefault (the local stack) rather than its default. */
  devDefaults: boolean;
  /** Values of the profile, applied to the variables the schema has. */
  settings: Readonly<Record<string, string>>;
}

const PROFILES: Record<ProfileName, Profile> = {
  dev: { name: 'dev', deployed: false, devDefaults: true, settings: { ENV: 'dev', LOG_LEVEL: 'debug' } },
  staging: { name: 'staging', deployed: true, devDefaults: false, settings: { ENV: 'staging', LOG_LEVEL: 'info' } },
  prod: {
    name: 'prod',
    deployed: true,
    devDefaults: false,
    settings: { ENV: 'prod', LOG_LEVEL: 'info', PAYMENT_SANDBOX_ENABLED: 'false' },
  },
};

/** The profile asked for, else the environment's own name when it is a profile, else staging (a name like qa or demo). */
export function profileFor(environment: string, requested: ProfileName | undefined): Profile {
  if (requested) return PROFILES[requested];
  return PROFILES[
    (PROFILE_NAMES as readonly string[]).includes(environment) ? (environment as ProfileName) : 'staging'
  ];
}
