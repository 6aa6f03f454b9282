import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../platform/secrets';

describe('secrets at rest (AES-256-GCM)', () => {
  const key = randomBytes(32).toString('base64');
  it('seals to a value that does not contain the plaintext, and opens it again', () => {
    const box = createSecretBox(key);
    const sealed = box.seal('hunter2-password');
    expect(sealed).not.toContain('hunter2');
    expect(box.open(sealed)).toBe('hunter2-password');
  });
  it('refuses a tampered value', () => {
    const box = createSecretBox(key);
    const sealed = box.seal('x');
    const parts = sealed.split('.');
    // One bit of the ciphertext flipped (replacing it with a fixed byte would match the original 1 time in 256).
    const ciphertext = Buffer.from(parts[4]!, 'base64url');
    ciphertext[0]! ^= 1;
    parts[4] = ciphertext.toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
  });
  it('reads values sealed with a previous key during a rotation', () => {
    const oldBox = createSecretBox(key);
    const sealed = oldBox.seal('old-secret');
    const rotated = createSecretBox(randomBytes(32).toString('base64'), [key]);
    expect(rotated.open(sealed)).toBe('old-secret');
    expect(() => createSecretBox(randomBytes(32).toString('base64')).open(sealed)).toThrow(/unknown key/);
  });
});
