/**
 * The XOAUTH2 variant of a test instance: an oauth2 passdb that introspects every access token at a local
 * endpoint, beside the passwd-file, for the token mechanisms only.
 */
import type { DovecotConfigSettings } from './config';

/** SASL mechanisms offered to IMAP clients: passwords, plus the token mechanisms when OAuth2 is on. */
export function authMechanisms(s: DovecotConfigSettings): string[] {
  return s.oauth2ConfigPath ? ['plain', 'login', 'xoauth2', 'oauthbearer'] : ['plain', 'login'];
}

/** The oauth2 passdb's settings: every token is introspected, and must be active and name the user. */
export function renderOAuth2Config(introspectionUrl: string): string {
  if (!/^http:\/\/127\.0\.0\.1:\d+\/[\w/-]*$/.test(introspectionUrl)) {
    throw new Error(`oauth2IntrospectionUrl must be a loopback http URL, got ${introspectionUrl}`);
  }
  return [
    'introspection_mode = post',
    `introspection_url = ${introspectionUrl}`,
    'force_introspection = yes',
    'username_attribute = username',
    'active_attribute = active',
    'active_value = true',
    '',
  ].join('\n');
}

export function renderPassdbs(s: DovecotConfigSettings): string {
  // The oauth2 passdb goes first, restricted to the token mechanisms, so password logins keep using the passwd-file.
  const oauth2 = s.oauth2ConfigPath
    ? ['passdb {', '  driver = oauth2', '  mechanisms = xoauth2 oauthbearer', `  args = ${s.oauth2ConfigPath}`, '}', '']
    : [];
  return [
    ...oauth2,
    'passdb {',
    '  driver = passwd-file',
    // Hashes are written as {SSHA512}…; the scheme here is only the fallback for unprefixed ones.
    `  args = scheme=SSHA512 username_format=%u ${s.passwdFile}`,
    '}',
  ].join('\n');
}
