import { deviceKeyStore } from '../device-key.ts';

/**
 * The admin session's device key (docs/admin-sessions.md), on the tenant's origin: made at the admin console's
 * sign-in and bound to its admin session; every admin API call carries a proof signed with it.
 */
export const { newDeviceKey, dropDeviceKey, provedFetch } = deviceKeyStore('bulwark-admin');
