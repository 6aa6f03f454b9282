import type { Database } from '../../store/db';
import { AppError } from '../http';

/** A pause status named by `field` must exist: a 400 naming the field, not a database error. */
export async function checkPauseStatus(db: Database, id: number | null | undefined, field: string): Promise<void> {
  if (id != null && !(await db.pauseStatus.findUnique({ where: { id } }))) {
    throw AppError.badRequest(`${field}: no such pause status`, [{ field, reason: 'no such pause status' }]);
  }
}
