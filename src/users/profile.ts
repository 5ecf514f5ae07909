/** `firstName lastName`, or the login when the profile has no name: how Okta names a user in its log. */
export function displayNameOf(profile: Record<string, unknown>): string {
  const name = [profile['firstName'], profile['lastName']].filter((v) => typeof v === 'string' && v !== '').join(' ');
  return name || String(profile['login'] ?? '');
}
