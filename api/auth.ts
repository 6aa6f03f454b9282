/** Bearer authentication at the edge: the Authorization header in, the user it stands for out, or a 401. */
import type { Request } from 'express';
import { authenticateToken } from '../services/auth';
import type { TokenStore } from '../store/tokens';
import { AppError, type AuthenticatedUser } from './http';

export function createAuthenticator(tokens: Pick<TokenStore, 'findByHash' | 'touch'>) {
  return async function authenticate(request: Request): Promise<AuthenticatedUser> {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw AppError.unauthorized();
    const user = await authenticateToken(tokens, match[1]!);
    if (!user) throw AppError.unauthorized('the token is unknown, expired or revoked');
    return user;
  };
}
