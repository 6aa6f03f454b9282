/**
 * Users as use cases: emails are unique case-insensitively, passwords stored only as hashes, and a presence change
 * reaches routing (an agent who left loses their pending offers, one who came online wakes waiting interactions).
 */
import { ConflictError, InvalidInputError, NotFoundError, PreconditionFailedError } from '../domain/errors';
import type { Presence } from '../domain/people';
import type { PresenceChange, UserChanges, UserInput } from '../domain/user';
import type { Store } from '../store';
import type { PublicUser, UserColumns } from '../store/users';
import { endOtherSessions, hashPassword } from './auth';
import { checkPassword } from './passwords';
import type { Presence as PresenceChanges } from './presence';
import { checkPauseStatus } from './references';

export interface UserServiceDeps {
  store: Pick<Store, 'users' | 'pauseStatuses' | 'tokens' | 'audit'>;
  /** Tells routing that an agent became available (online) or unavailable (paused, offline). */
  presence: Pick<PresenceChanges, 'changed'>;
}

export function createUserService({ store, presence }: UserServiceDeps) {
  const notifyPresence = (agentId: number, available: boolean) => presence.changed(agentId, available);

  /** Refuses to take away the last admin (nobody could administer the platform any more). */
  async function keepAnAdmin(userId: number): Promise<void> {
    if ((await store.users.countWithRole('admin')) <= 1)
      throw new ConflictError(`user ${userId} is the last admin: make another admin first`);
  }

  async function require(id: number): Promise<PublicUser> {
    const user = await store.users.find(id);
    if (!user) throw new NotFoundError(`user ${id}`);
    return user;
  }

  async function requireEmailFree(email: string) {
    if (await store.users.emailTaken(email)) throw new ConflictError(`a user with email ${email} already exists`);
  }

  return {
    require,

    async create(input: UserInput): Promise<PublicUser> {
      const email = input.email.toLowerCase();
      await requireEmailFree(email);
      const { password, ...rest } = input;
      return store.users.create({ ...rest, email, passwordHash: password ? await hashPassword(password) : null });
    },

    /**
     * Changes the user as `current` shows them: a PreconditionFailedError when someone saved them meanwhile. A new
     * password ends their login sessions; the last admin keeps the admin role.
     */
    async update(current: PublicUser, changes: UserChanges): Promise<PublicUser> {
      const { password, email, presence, pauseStatusId, ...rest } = changes;
      if (current.role === 'admin' && rest.role !== undefined && rest.role !== 'admin') await keepAnAdmin(current.id);
      const columns: UserColumns = { ...rest };
      if (email !== undefined) {
        const lower = email.toLowerCase();
        if (lower !== current.email) await requireEmailFree(lower);
        columns.email = lower;
      }
      if (password !== undefined) columns.passwordHash = await hashPassword(password);
      await checkPauseStatus(store, pauseStatusId, 'pauseStatusId');
      const nextPresence: Presence = presence ?? current.presence;
      if (pauseStatusId != null && nextPresence !== 'paused')
        throw new InvalidInputError('pauseStatusId is only for a paused user', [
          { field: 'pauseStatusId', reason: 'the user is not paused' },
        ]);
      if (presence !== undefined) columns.presence = presence;
      if (presence !== undefined && presence !== 'paused') columns.pauseStatusId = null;
      else if (pauseStatusId !== undefined) columns.pauseStatusId = pauseStatusId;
      if (!(await store.users.updateIfUnchanged(current.id, current.updatedAt, columns)))
        throw new PreconditionFailedError(`user ${current.id} changed while you were saving it`);
      if (presence !== undefined && presence !== current.presence) await notifyPresence(current.id, presence === 'online');
      if (password !== undefined) await endOtherSessions(store.tokens, current.id);
      return require(current.id);
    },

    /** Deletes the user, audited; never yourself, never the last admin. */
    async remove(id: number, actorId: number): Promise<void> {
      const user = await require(id);
      if (id === actorId) throw new ConflictError('you cannot delete yourself');
      if (user.role === 'admin') await keepAnAdmin(id);
      await store.users.delete(id);
      await store.audit.record({
        actorId,
        action: 'deleted',
        entity: 'user',
        entityId: String(id),
        detail: { email: user.email, role: user.role },
      });
    },

    /** The user changes their own password (the current one proves it is them): their other sessions end. */
    async changeOwnPassword(userId: number, currentPassword: string, newPassword: string, sessionToken: string): Promise<void> {
      const credentials = await store.users.findCredentialsById(userId);
      if (!credentials || !(await checkPassword(currentPassword, credentials.passwordHash)).matches)
        throw InvalidInputError.field('currentPassword', 'is not your current password');
      await store.users.setPasswordHash(userId, await hashPassword(newPassword));
      await endOtherSessions(store.tokens, userId, sessionToken);
    },

    /** An agent's own presence: paused with an optional reason, online or offline. */
    async setPresence(userId: number, change: PresenceChange): Promise<PublicUser> {
      if (change.presence === 'paused') await checkPauseStatus(store, change.pauseStatusId, 'pauseStatusId');
      const updated = await store.users.setPresence(
        userId,
        change.presence,
        change.presence === 'paused' ? (change.pauseStatusId ?? null) : null,
      );
      await notifyPresence(userId, change.presence === 'online');
      return updated;
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
