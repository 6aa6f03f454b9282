/** Versions of resources for optimistic concurrency: the ETag an answer carries, and `If-Match` checked against it. */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { PreconditionFailedError } from '../domain/errors';

/** The version of a row without updatedAt: a hash of its content, which changes whenever the row does. */
export function contentTag(row: object): string {
  return createHash('sha256').update(JSON.stringify(row)).digest('base64url').slice(0, 22);
}

/** Strong ETag of a resource: its updatedAt in ISO form (or any stable version string). */
export function etagOf(version: Date | string): string {
  return `"${typeof version === 'string' ? version : version.toISOString()}"`;
}

/** Optimistic concurrency: with `If-Match`, the update only proceeds when the client saw the current version. */
export function checkIfMatch(request: Request, version: Date | string, what: string): void {
  const ifMatch = request.headers['if-match'];
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const current = etagOf(version);
  const candidates = ifMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (!candidates.includes(current)) throw new PreconditionFailedError(`${what} changed since you read it (current ETag ${current})`);
}
