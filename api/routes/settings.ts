/** Global settings, pause statuses, canned answers, contact lists and contacts, API tokens (issue 3). */
import { createHash } from 'node:crypto';
import { issueToken } from '../auth';
import type { RouterContext } from '../deps';
import { AppError, checkIfMatch, childParams, etagOf, idParams, z } from '../http';
import {
  cannedAnswerCreateSchema,
  cannedAnswerSchema,
  cannedAnswerUpdateSchema,
  contactCreateSchema,
  contactListCreateSchema,
  contactListSchema,
  contactListUpdateSchema,
  contactSchema,
  contactUpdateSchema,
  pauseStatusCreateSchema,
  pauseStatusSchema,
  pauseStatusUpdateSchema,
  settingsSchema,
  settingsUpdateSchema,
  tokenCreateSchema,
  tokenSchema,
} from '../schemas';
import { listQuery, listResponse, page, queryBoolean, queryId, queryText } from '../services/listing';
import { presentCannedAnswer, presentContact, presentToken } from '../services/presenters';

const everyone = ['admin', 'supervisor', 'agent'] as const;
const staff = ['admin', 'supervisor'] as const;

/** Rows without updatedAt get a content ETag: it changes whenever the row does. */
function contentTag(row: object): string {
  return createHash('sha256').update(JSON.stringify(row)).digest('base64url').slice(0, 22);
}

const contains = (q: string) => ({ contains: q, mode: 'insensitive' as const });

export function registerSettingsRoutes({ route, deps }: RouterContext): void {
  const { db } = deps;

  // Global settings: one row (id 1), created with its defaults on first use.
  const settingsRow = () => db.globalSetting.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
  const presentSettings = (row: { loginMailFrequencySeconds: number; updatedAt: Date }) => ({
    loginMailFrequencySeconds: row.loginMailFrequencySeconds,
    updatedAt: row.updatedAt.toISOString(),
  });

  route(
    {
      method: 'get',
      path: '/settings',
      summary: 'Global settings (ETag: updatedAt)',
      tags: ['Settings'],
      roles: [...staff],
      response: settingsSchema,
    },
    async ({ response }) => {
      const row = await settingsRow();
      response.setHeader('ETag', etagOf(row.updatedAt));
      return presentSettings(row);
    },
  );

  route(
    {
      method: 'patch',
      path: '/settings',
      summary: 'Change global settings: login mail frequency (polling interval for servers without IDLE)',
      tags: ['Settings'],
      roles: ['admin'],
      body: settingsUpdateSchema,
      response: settingsSchema,
    },
    async ({ body, request, response }) => {
      const current = await settingsRow();
      checkIfMatch(request, current.updatedAt, 'the settings');
      const row = await db.globalSetting.update({ where: { id: 1 }, data: body });
      response.setHeader('ETag', etagOf(row.updatedAt));
      return presentSettings(row);
    },
  );

  // Pause statuses: the reasons an agent gives for a pause.
  const pauseTags = ['Pause statuses'];
  route(
    {
      method: 'post',
      path: '/pause-statuses',
      summary: 'Create a pause status',
      tags: pauseTags,
      roles: ['admin'],
      body: pauseStatusCreateSchema,
      response: pauseStatusSchema,
    },
    async ({ body }) => {
      if (await db.pauseStatus.findUnique({ where: { name: body.name } }))
        throw AppError.conflict(`a pause status named ${body.name} already exists`);
      return db.pauseStatus.create({ data: body });
    },
  );

  route(
    {
      method: 'get',
      path: '/pause-statuses',
      summary: 'List pause statuses',
      tags: pauseTags,
      roles: [...everyone],
      query: listQuery(['id', 'name'] as const, { q: queryText.optional() }),
      response: listResponse(pauseStatusSchema),
    },
    async ({ query }) => {
      const { q, ...list } = query;
      return page(list, (args) => db.pauseStatus.findMany({ where: q ? { name: contains(q) } : {}, ...args }));
    },
  );

  async function requirePauseStatus(id: number) {
    const row = await db.pauseStatus.findUnique({ where: { id } });
    if (!row) throw AppError.notFound(`pause status ${id}`);
    return row;
  }

  route(
    {
      method: 'get',
      path: '/pause-statuses/:id',
      summary: 'Read a pause status',
      tags: pauseTags,
      roles: [...everyone],
      params: idParams,
      response: pauseStatusSchema,
    },
    async ({ params, response }) => {
      const row = await requirePauseStatus(params.id);
      response.setHeader('ETag', etagOf(contentTag(row)));
      return row;
    },
  );

  route(
    {
      method: 'patch',
      path: '/pause-statuses/:id',
      summary: 'Change a pause status (If-Match: 412 on a stale ETag)',
      tags: pauseTags,
      roles: ['admin'],
      params: idParams,
      body: pauseStatusUpdateSchema,
      response: pauseStatusSchema,
    },
    async ({ params, body, request, response }) => {
      const current = await requirePauseStatus(params.id);
      checkIfMatch(request, contentTag(current), `pause status ${params.id}`);
      if (body.name && body.name !== current.name && (await db.pauseStatus.findUnique({ where: { name: body.name } })))
        throw AppError.conflict(`a pause status named ${body.name} already exists`);
      const row = await db.pauseStatus.update({ where: { id: params.id }, data: body });
      response.setHeader('ETag', etagOf(contentTag(row)));
      return row;
    },
  );

  route(
    {
      method: 'delete',
      path: '/pause-statuses/:id',
      summary: 'Delete a pause status',
      tags: pauseTags,
      roles: ['admin'],
      params: idParams,
      status: 204,
    },
    async ({ params }) => {
      await requirePauseStatus(params.id);
      await db.$transaction([
        db.emailAccount.updateMany({ where: { dispositionPauseStatusId: params.id }, data: { dispositionPauseStatusId: null } }),
        db.pauseStatus.delete({ where: { id: params.id } }),
      ]);
    },
  );

  // Canned answers: global (accountId null) or per account.
  const cannedTags = ['Canned answers'];
  route(
    {
      method: 'post',
      path: '/canned-answers',
      summary: 'Create a canned answer, global (accountId null) or for one account',
      tags: cannedTags,
      roles: [...staff],
      body: cannedAnswerCreateSchema,
      response: cannedAnswerSchema,
    },
    async ({ body }) => {
      if (body.accountId !== null && !(await db.emailAccount.findUnique({ where: { id: body.accountId } })))
        throw AppError.badRequest('accountId: no such email account', [{ field: 'accountId', reason: 'no such email account' }]);
      return presentCannedAnswer(await db.cannedAnswer.create({ data: body }));
    },
  );

  route(
    {
      method: 'get',
      path: '/canned-answers',
      summary: 'List canned answers (global: true for the global ones only; accountId for one account’s own)',
      tags: cannedTags,
      roles: [...staff],
      query: listQuery(['id', 'name', 'updatedAt'] as const, {
        global: queryBoolean.optional(),
        accountId: queryId.optional(),
        q: queryText.optional(),
      }),
      response: listResponse(cannedAnswerSchema),
    },
    async ({ query }) => {
      const { global, accountId, q, ...list } = query;
      const where = {
        ...(global === true ? { accountId: null } : global === false ? { accountId: { not: null } } : {}),
        ...(accountId !== undefined ? { accountId } : {}),
        ...(q ? { name: contains(q) } : {}),
      };
      return page(list, (args) => db.cannedAnswer.findMany({ where, ...args }), presentCannedAnswer);
    },
  );

  async function requireCannedAnswer(id: number) {
    const row = await db.cannedAnswer.findUnique({ where: { id } });
    if (!row) throw AppError.notFound(`canned answer ${id}`);
    return row;
  }

  route(
    {
      method: 'get',
      path: '/canned-answers/:id',
      summary: 'Read a canned answer (ETag: its updatedAt)',
      tags: cannedTags,
      roles: [...staff],
      params: idParams,
      response: cannedAnswerSchema,
    },
    async ({ params, response }) => {
      const row = await requireCannedAnswer(params.id);
      response.setHeader('ETag', etagOf(row.updatedAt));
      return presentCannedAnswer(row);
    },
  );

  route(
    {
      method: 'patch',
      path: '/canned-answers/:id',
      summary: 'Change a canned answer (If-Match: 412 on a stale ETag)',
      tags: cannedTags,
      roles: [...staff],
      params: idParams,
      body: cannedAnswerUpdateSchema,
      response: cannedAnswerSchema,
    },
    async ({ params, body, request, response }) => {
      const current = await requireCannedAnswer(params.id);
      checkIfMatch(request, current.updatedAt, `canned answer ${params.id}`);
      const updated = await db.cannedAnswer.updateMany({ where: { id: params.id, updatedAt: current.updatedAt }, data: body });
      if (updated.count === 0) throw AppError.preconditionFailed(`canned answer ${params.id} changed while you were saving it`);
      const row = await requireCannedAnswer(params.id);
      response.setHeader('ETag', etagOf(row.updatedAt));
      return presentCannedAnswer(row);
    },
  );

  route(
    {
      method: 'delete',
      path: '/canned-answers/:id',
      summary: 'Delete a canned answer',
      tags: cannedTags,
      roles: [...staff],
      params: idParams,
      status: 204,
    },
    async ({ params }) => {
      await requireCannedAnswer(params.id);
      await db.cannedAnswer.delete({ where: { id: params.id } });
    },
  );

  // Contact lists (where new senders are saved) and their contacts.
  const contactTags = ['Contacts'];
  route(
    {
      method: 'post',
      path: '/contact-lists',
      summary: 'Create a contact list',
      tags: contactTags,
      roles: ['admin'],
      body: contactListCreateSchema,
      response: contactListSchema,
    },
    async ({ body }) => {
      if (await db.contactList.findUnique({ where: { name: body.name } }))
        throw AppError.conflict(`a contact list named ${body.name} already exists`);
      return db.contactList.create({ data: body });
    },
  );

  route(
    {
      method: 'get',
      path: '/contact-lists',
      summary: 'List contact lists',
      tags: contactTags,
      roles: [...staff],
      query: listQuery(['id', 'name'] as const, { q: queryText.optional() }),
      response: listResponse(contactListSchema),
    },
    async ({ query }) => {
      const { q, ...list } = query;
      return page(list, (args) => db.contactList.findMany({ where: q ? { name: contains(q) } : {}, ...args }));
    },
  );

  async function requireContactList(id: number) {
    const row = await db.contactList.findUnique({ where: { id } });
    if (!row) throw AppError.notFound(`contact list ${id}`);
    return row;
  }

  route(
    {
      method: 'get',
      path: '/contact-lists/:id',
      summary: 'Read a contact list',
      tags: contactTags,
      roles: [...staff],
      params: idParams,
      response: contactListSchema,
    },
    async ({ params, response }) => {
      const row = await requireContactList(params.id);
      response.setHeader('ETag', etagOf(contentTag(row)));
      return row;
    },
  );

  route(
    {
      method: 'patch',
      path: '/contact-lists/:id',
      summary: 'Rename a contact list (If-Match: 412 on a stale ETag)',
      tags: contactTags,
      roles: ['admin'],
      params: idParams,
      body: contactListUpdateSchema,
      response: contactListSchema,
    },
    async ({ params, body, request, response }) => {
      const current = await requireContactList(params.id);
      checkIfMatch(request, contentTag(current), `contact list ${params.id}`);
      if (body.name && body.name !== current.name && (await db.contactList.findUnique({ where: { name: body.name } })))
        throw AppError.conflict(`a contact list named ${body.name} already exists`);
      const row = await db.contactList.update({ where: { id: params.id }, data: body });
      response.setHeader('ETag', etagOf(contentTag(row)));
      return row;
    },
  );

  route(
    {
      method: 'delete',
      path: '/contact-lists/:id',
      summary: 'Delete a contact list with its contacts',
      tags: contactTags,
      roles: ['admin'],
      params: idParams,
      status: 204,
    },
    async ({ params }) => {
      await requireContactList(params.id);
      await db.contactList.delete({ where: { id: params.id } });
    },
  );

  route(
    {
      method: 'post',
      path: '/contact-lists/:id/contacts',
      summary: 'Add a contact to a list',
      tags: contactTags,
      roles: [...staff],
      params: idParams,
      body: contactCreateSchema,
      response: contactSchema,
    },
    async ({ params, body }) => {
      await requireContactList(params.id);
      const email = body.email.toLowerCase();
      if (await db.contact.findUnique({ where: { listId_email: { listId: params.id, email } } }))
        throw AppError.conflict(`${email} is already in contact list ${params.id}`);
      return presentContact(await db.contact.create({ data: { listId: params.id, email, name: body.name } }));
    },
  );

  route(
    {
      method: 'get',
      path: '/contact-lists/:id/contacts',
      summary: 'List the contacts of a list',
      tags: contactTags,
      roles: [...staff],
      params: idParams,
      query: listQuery(['id', 'email', 'name', 'createdAt'] as const, {
        q: queryText.optional().openapi({ description: 'email or name contains (case-insensitive)' }),
      }),
      response: listResponse(contactSchema),
    },
    async ({ params, query }) => {
      await requireContactList(params.id);
      const { q, ...list } = query;
      const where = { listId: params.id, ...(q ? { OR: [{ email: contains(q) }, { name: contains(q) }] } : {}) };
      return page(list, (args) => db.contact.findMany({ where, ...args }), presentContact);
    },
  );

  async function requireContact(listId: number, id: number) {
    const row = await db.contact.findFirst({ where: { id, listId } });
    if (!row) throw AppError.notFound(`contact ${id} of list ${listId}`);
    return row;
  }

  route(
    {
      method: 'get',
      path: '/contact-lists/:id/contacts/:childId',
      summary: 'Read a contact',
      tags: contactTags,
      roles: [...staff],
      params: childParams,
      response: contactSchema,
    },
    async ({ params, response }) => {
      const row = await requireContact(params.id, params.childId);
      response.setHeader('ETag', etagOf(contentTag(row)));
      return presentContact(row);
    },
  );

  route(
    {
      method: 'patch',
      path: '/contact-lists/:id/contacts/:childId',
      summary: 'Change a contact (If-Match: 412 on a stale ETag)',
      tags: contactTags,
      roles: [...staff],
      params: childParams,
      body: contactUpdateSchema,
      response: contactSchema,
    },
    async ({ params, body, request, response }) => {
      const current = await requireContact(params.id, params.childId);
      checkIfMatch(request, contentTag(current), `contact ${params.childId}`);
      const email = body.email?.toLowerCase();
      if (email && email !== current.email && (await db.contact.findUnique({ where: { listId_email: { listId: params.id, email } } })))
        throw AppError.conflict(`${email} is already in contact list ${params.id}`);
      const row = await db.contact.update({ where: { id: current.id }, data: { ...body, ...(email ? { email } : {}) } });
      response.setHeader('ETag', etagOf(contentTag(row)));
      return presentContact(row);
    },
  );

  route(
    {
      method: 'delete',
      path: '/contact-lists/:id/contacts/:childId',
      summary: 'Delete a contact',
      tags: contactTags,
      roles: [...staff],
      params: childParams,
      status: 204,
    },
    async ({ params }) => {
      const row = await requireContact(params.id, params.childId);
      await db.contact.delete({ where: { id: row.id } });
    },
  );

  // API tokens: for integrations and people; the token is shown once, only its hash is stored.
  const tokenTags = ['API tokens'];
  route(
    {
      method: 'post',
      path: '/tokens',
      summary: 'Create an API token (shown once in the response; admins may issue one for another user)',
      tags: tokenTags,
      roles: [...everyone],
      body: tokenCreateSchema,
      response: tokenSchema.extend({ token: z.string() }),
    },
    async ({ body, user }) => {
      const userId = body.userId ?? user.id;
      if (userId !== user.id && user.role !== 'admin') throw AppError.forbidden('only admins issue tokens for other users');
      if (!(await db.user.findUnique({ where: { id: userId } })))
        throw AppError.badRequest('userId: no such user', [{ field: 'userId', reason: 'no such user' }]);
      const { token, id } = await issueToken(db, { userId, name: body.name, ttlSeconds: body.ttlSeconds });
      return { ...presentToken(await db.apiToken.findUniqueOrThrow({ where: { id } })), token };
    },
  );

  route(
    {
      method: 'get',
      path: '/tokens',
      summary: 'List API tokens (your own; admins: everyone’s, or one user’s with userId)',
      tags: tokenTags,
      roles: [...everyone],
      query: listQuery(['id', 'name', 'createdAt'] as const, { userId: queryId.optional(), revoked: queryBoolean.optional() }),
      response: listResponse(tokenSchema),
    },
    async ({ query, user }) => {
      const { userId, revoked, ...list } = query;
      if (userId !== undefined && userId !== user.id && user.role !== 'admin')
        throw AppError.forbidden('only admins list other users’ tokens');
      const where = {
        ...(user.role === 'admin' ? (userId !== undefined ? { userId } : {}) : { userId: user.id }),
        ...(revoked === true ? { revokedAt: { not: null } } : revoked === false ? { revokedAt: null } : {}),
      };
      return page(list, (args) => db.apiToken.findMany({ where, ...args }), presentToken);
    },
  );

  route(
    {
      method: 'delete',
      path: '/tokens/:id',
      summary: 'Revoke an API token (your own; admins: any)',
      tags: tokenTags,
      roles: [...everyone],
      params: idParams,
      status: 204,
    },
    async ({ params, user }) => {
      const row = await db.apiToken.findUnique({ where: { id: params.id } });
      if (!row || (row.userId !== user.id && user.role !== 'admin')) throw AppError.notFound(`token ${params.id}`);
      if (!row.revokedAt) await db.apiToken.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    },
  );
}
