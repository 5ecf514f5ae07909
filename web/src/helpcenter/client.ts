import { answerOf } from '../api.ts';
import { deviceKeyStore, thumbprintOf, type Method } from '../device-key.ts';

/**
 * The support staff session's device key (docs/help-center.md, "Staff sessions"), on the Help Center's origin:
 * made when staff start signing in, named to the server by its thumbprint so that the session is bound to it
 * from the start, and proved on every call. A customer holds none, and their calls carry no proof.
 */
const keys = deviceKeyStore('bulwark-help-center');

/** A new device key, then off to the support plane's sign-in naming it. */
export async function startStaffSignIn(): Promise<void> {
  const jkt = await thumbprintOf(await keys.newDeviceKey());
  window.location.assign(`/help/staff/signin?${new URLSearchParams({ jkt })}`);
}

/** Forgets the key on signing out: the next staff sign-in makes a new one. */
export function dropDeviceKey(): Promise<void> {
  return keys.dropDeviceKey();
}

/** A JSON call to the Help Center, by this page's origin (its cookie), with the device proof of a staff session. */
export async function call<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const res = await keys.provedFetch(method, path, {
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return answerOf<T>(res);
}

/**
 * A staff download (an attachment, a report file): a navigation cannot carry a proof, so a proved call first
 * takes a ticket for it (one use, 60 seconds), and the browser then downloads from the ticket's address.
 */
export async function download(path: string): Promise<void> {
  const { url } = await call<{ url: string }>('POST', '/help/v1/staff/download-tickets', { path });
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  document.body.append(link);
  link.click();
  link.remove();
}
