import { createHash } from 'node:crypto';
import type { Database } from './db';

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Content-addressed storage: the same bytes are stored once, under their SHA-256. */
export async function storeBlob(db: Pick<Database, 'blob'>, data: Buffer): Promise<string> {
  const sha256 = sha256Hex(data);
  await db.blob.upsert({ where: { sha256 }, create: { sha256, size: data.length, data: new Uint8Array(data) }, update: {} });
  return sha256;
}

export async function readBlob(db: Pick<Database, 'blob'>, sha256: string): Promise<Buffer | null> {
  const blob = await db.blob.findUnique({ where: { sha256 } });
  return blob ? Buffer.from(blob.data) : null;
}

export function createBlobStore(db: Pick<Database, 'blob'>) {
  return {
    put: (data: Buffer) => storeBlob(db, data),
    read: (sha256: string) => readBlob(db, sha256),
  };
}

export type BlobStore = ReturnType<typeof createBlobStore>;
