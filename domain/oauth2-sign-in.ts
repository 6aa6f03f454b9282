/**
 * How an OAuth2 sign-in ended, as the callback tells the account page (`?oauth2=<outcome>`) and the page words it.
 * Codes, not sentences, travel in the address, so nobody can make our page say what they like.
 */
export const SIGN_IN_OUTCOMES = [
  'signed-in',
  'denied',
  'provider-error',
  'state-mismatch',
  'state-used',
  'state-expired',
  'session-ended',
  'token-error',
  'no-refresh-token',
  'account-gone',
  'settings-removed',
] as const;
export type SignInOutcome = (typeof SIGN_IN_OUTCOMES)[number];

/** A provider's error code (RFC 6749 §5.2: printable ASCII), kept short enough to show. */
export function providerErrorCode(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\w.:-]{1,64}$/.test(value) ? value : undefined;
}

/** The sentence the admin reads; `detail` is the provider's error code where there is one. */
export function signInOutcomeSentence(outcome: SignInOutcome, detail?: string): string {
  const code = detail ? ` (${detail})` : '';
  switch (outcome) {
    case 'signed-in':
      return 'Signed in: the account now reads and sends mail with this sign-in.';
    case 'denied':
      return `The sign-in was cancelled at the provider, or consent was not given${code}: nothing was changed.`;
    case 'provider-error':
      return `The provider refused the sign-in request${code}: nothing was changed. Check the client ID, tenant and the redirect URI registered there.`;
    case 'state-mismatch':
      return 'The sign-in could not be matched to one started in this browser: nothing was changed. Start it again from the account page.';
    case 'state-used':
      return 'This sign-in was already completed or refused once and cannot be used again: nothing was changed.';
    case 'state-expired':
      return 'The sign-in took longer than 10 minutes and expired: nothing was changed. Start it again.';
    case 'session-ended':
      return 'Your mailroute session ended during the sign-in: nothing was changed. Log in and start it again.';
    case 'token-error':
      return `The provider refused to give a token for the sign-in${code}: nothing was changed. Check the client ID, secret and redirect URI.`;
    case 'no-refresh-token':
      return 'The provider gave no refresh token (offline access was not granted): nothing was changed.';
    case 'account-gone':
      return 'The account was deleted during the sign-in: nothing was stored.';
    case 'settings-removed':
      return 'The account’s OAuth2 settings were removed during the sign-in: nothing was stored.';
  }
}
