/** Database refusals that input can cause, as the domain's errors: a unique clash, a missing reference, a vanished row. */
import { ConflictError, InvalidInputError, NotFoundError } from '../domain/errors';
import { Prisma } from './db';

/** A raw statement's refusal (P2010) carries the database's kind of error; it is named as the ORM names it. */
const RAW_REFUSAL_CODES: Record<string, string> = {
  ForeignKeyConstraintViolation: 'P2003',
  UniqueConstraintViolation: 'P2002',
};

export function domainErrorOf(error: unknown): Error | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  const { meta } = error;
  const cause = (meta?.driverAdapterError as { cause?: { kind?: string; constraint?: { index?: string } } } | undefined)?.cause;
  const code = error.code === 'P2010' ? (RAW_REFUSAL_CODES[cause?.kind ?? ''] ?? error.code) : error.code;
  const field = String(meta?.target ?? meta?.field_name ?? meta?.constraint ?? cause?.constraint?.index ?? '(body)');
  if (code === 'P2002')
    return Object.assign(new ConflictError(`${field} must be unique`), { problems: [{ field, reason: 'already exists' }] });
  if (code === 'P2003') return InvalidInputError.field(field, 'unknown reference', `${field} refers to something that does not exist`);
  if (code === 'P2025') return new NotFoundError('the record');
  return undefined;
}
