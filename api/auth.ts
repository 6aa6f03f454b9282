/** Bearer authentication at the edge: the Authorization header in, the user it stands for out, or a 401. */
import type { Request } from 'express';
import { authenticateToken, bearerToken } from '../services/auth';
import type { TokenStore } from '../store/tokens';
import { AppError, type AuthenticatedUser } from './http';

export function createAuthenticator(tokens: Pick<TokenStore, 'findByHash' | 'touch'>) {
  return async function authenticate(request: Request): Promise<AuthenticatedUser> {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw AppError.unauthorized();
    const user = await authenticateToken(tokens, token);
    if (!user) throw AppError.unauthorized('the token is unknown, expired or revoked');
    return user;
  };
}
