/**
 * The admin API token integration tests, the bench and the Chromium tests start Vigil with (as
 * VIGIL_ADMIN_TOKEN), so every earlier test runs authenticated exactly as a tool would. A test value:
 * never use it for a deployment.
 */
export const TEST_ADMIN_TOKEN = 'vigil-test-admin-token-not-for-production-0001';

/** Headers of a request as that admin: `Authorization: Bearer …`. */
export const adminHeaders = (extra: Record<string, string> = {}): Record<string, string> => ({
  authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
  ...extra,
});
