import { createHash } from 'node:crypto';
import type { Database } from './db';

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Content-addressed storage: the same bytes are stored once, under their SHA-256 (one statement, nothing read back). */
export async function storeBlob(db: Pick<Database, '$executeRaw'>, data: Buffer): Promise<string> {
  const sha256 = sha256Hex(data);
  await db.$executeRaw`
    INSERT INTO "Blob" (sha256, size, data) VALUES (${sha256}, ${data.length}, ${new Uint8Array(data)})
    ON CONFLICT (sha256) DO NOTHING`;
  return sha256;
}

export async function readBlob(db: Pick<Database, 'blob'>, sha256: string): Promise<Buffer | null> {
  const blob = await db.blob.findUnique({ where: { sha256 } });
  return blob ? Buffer.from(blob.data) : null;
}

export function createBlobStore(db: Pick<Database, 'blob' | '$executeRaw'>) {
  return {
    put: (data: Buffer) => storeBlob(db, data),
    read: (sha256: string) => readBlob(db, sha256),
  };
}

export type BlobStore = ReturnType<typeof createBlobStore>;
