import type { Queryable } from '../db.ts';

/**
 * Payments are on unless switched off: FEATURE_PAYMENTS=false in the environment (a deploy) or the
 * feature_flags row `payments` set to false (an operator, no deploy). Either one is enough to switch them off.
 */
export class FeatureFlags {
  constructor(
    private readonly db: Queryable,
    private readonly fromEnv: { payments: boolean | undefined },
  ) {}

  async paymentsEnabled(): Promise<boolean> {
    if (this.fromEnv.payments === false) return false;
    const { rows } = await this.db.query<{ enabled: boolean }>(
      'feature_flags_get',
      'select enabled from feature_flags where key = $1',
      ['payments'],
    );
    return rows[0]?.enabled ?? true;
  }
}
