/** The configuration use cases speak the domain's errors (the API maps them), never HTTP ones. */
import { ConflictError, InvalidInputError, PreconditionFailedError } from '../../domain/errors';
import { accountColumns } from '../../services/accounts';
import { createDispositionService } from '../../services/dispositions';
import { createUserService } from '../../services/users';
import type { Store } from '../../store';
import type { PublicUser } from '../../store/users';

const secrets = { seal: (value: string) => `sealed:${value}`, open: (value: string) => value.replace(/^sealed:/, '') };

test('a preset fills the server fields the admin did not write, and secrets are sealed', () => {
  const columns = accountColumns(
    { service: 'hotmail', smtpPort: 465, imapPassword: 'pw' },
    secrets as never,
    undefined,
    new Set(['service']),
  );
  expect(columns).toMatchObject({ smtpHost: 'smtp-mail.outlook.com', smtpPort: 587, smtpSecure: false, imapPasswordEnc: 'sealed:pw' });
  expect(JSON.stringify(columns)).not.toContain('"pw"');
});

test('a malformed headers filter is invalid input naming the field', () => {
  expect(() => accountColumns({ headersFilter: '=oops' }, secrets as never)).toThrow(InvalidInputError);
});

const agent: PublicUser = {
  id: 7,
  name: 'Ann',
  email: 'ann@example.com',
  role: 'agent',
  presence: 'online',
  pauseStatusId: null,
  capacity: 1,
  signature: '',
  updatedAt: new Date('2026-01-01T00:00:00Z'),
};

function userService(users: Partial<Store['users']>) {
  const store = { users, pauseStatuses: { find: async () => ({ id: 1, name: 'lunch', description: null }) }, agents: {} };
  return createUserService({ store: store as never, presence: { changed: async () => undefined } });
}

test('a pause status for a user who is not paused is invalid input; a stale user is a failed precondition', async () => {
  await expect(userService({}).update(agent, { pauseStatusId: 1 })).rejects.toThrow(InvalidInputError);
  await expect(userService({ updateIfUnchanged: async () => false }).update(agent, { name: 'Anna' })).rejects.toThrow(
    PreconditionFailedError,
  );
});

test('an email already taken and deleting oneself are conflicts', async () => {
  await expect(
    userService({ emailTaken: async () => true }).create({ name: 'B', email: 'B@x.org', role: 'agent', capacity: 1, signature: '' }),
  ).rejects.toThrow(new ConflictError('a user with email b@x.org already exists'));
  await expect(userService({ find: async () => agent }).remove(7, 7)).rejects.toThrow(ConflictError);
});

test('dispositions stop at the third level', async () => {
  const dispositions = { find: async () => ({ id: 3, accountId: 1, name: 'c', level: 3, parentId: 2 }), findSibling: async () => null };
  await expect(createDispositionService({ dispositions } as never).add(1, { name: 'd', parentId: 3 })).rejects.toMatchObject({
    problems: [{ field: 'parentId', reason: 'parent is already on the third level' }],
  });
});
