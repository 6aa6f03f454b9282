/** Database refusals that input can cause, as the domain's errors: a unique clash, a missing reference, a vanished row. */
import { ConflictError, InvalidInputError, NotFoundError } from '../domain/errors';
import { Prisma } from './db';

export function domainErrorOf(error: unknown): Error | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  const { code, meta } = error;
  const field = String(meta?.target ?? meta?.field_name ?? meta?.constraint ?? '(body)');
  if (code === 'P2002')
    return Object.assign(new ConflictError(`${field} must be unique`), { problems: [{ field, reason: 'already exists' }] });
  if (code === 'P2003') return InvalidInputError.field(field, 'unknown reference', `${field} refers to something that does not exist`);
  if (code === 'P2025') return new NotFoundError('the record');
  return undefined;
}
