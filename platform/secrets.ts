import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (IMAP/SMTP passwords, OAuth2 secrets) are sealed with AES-256-GCM.
 * Sealed form: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts); keyId names the key so that
 * during a rotation old values stay readable with MAILROUTE_PREVIOUS_SECRET_KEYS while new ones use the new key.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function createSecretBox(currentKeyBase64: string, previousKeysBase64: string[] = []): SecretBox {
  const current = Buffer.from(currentKeyBase64, 'base64');
  if (current.length !== 32) throw new Error('the secret key must be 32 bytes (base64)');
  const keys = new Map<string, Buffer>();
  for (const key of [current, ...previousKeysBase64.filter(Boolean).map((value) => Buffer.from(value, 'base64'))])
    keys.set(keyId(key), key);
  const currentId = keyId(current);

  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join(
        '.',
      );
    },
    open(sealed) {
      const [version, id, iv, tag, ciphertext] = sealed.split('.');
      if (version !== 'v1' || !id || iv === undefined || tag === undefined || ciphertext === undefined)
        throw new Error('not a sealed secret');
      const key = keys.get(id);
      if (!key) throw new Error(`secret sealed with unknown key ${id}: add it to MAILROUTE_PREVIOUS_SECRET_KEYS`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
