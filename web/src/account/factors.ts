/** The signed-in user's factors: Okta's UserFactor, the parts the page reads. */
export type Factor = {
  id: string;
  factorType: string;
  provider: string;
  status: 'ACTIVE' | 'PENDING_ACTIVATION';
  created: string;
  lastUpdated: string;
  profile: { remaining?: number };
  _embedded?: { activation?: Record<string, unknown> };
};

export const FACTORS = '/api/v1/users/me/factors';
