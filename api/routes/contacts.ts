/**
 * Contact lists (where new senders are saved) and their contacts (ETag: a hash of the row). A supervisor reaches the
 * lists the accounts they are added to use (the visibility rule): an account's customers are its own.
 */
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { RouterContext } from '../deps';
import { checkIfMatch, childParams, contentTag, etagOf, idParams, type AuthenticatedUser } from '../http';
import { listQuery, listResponse, page, queryText } from '../listing';
import { presentContact } from '../presenters';
import { customerContextSchema, type CustomerContext } from '../schemas/desk-answers';
import {
  contactCreateSchema,
  contactListCreateSchema,
  contactListSchema,
  contactListUpdateSchema,
  contactSchema,
  contactUpdateSchema,
} from '../schemas/contacts';

const staff = ['admin', 'supervisor'] as const;
const tags = ['Contacts'];

/** How many of a customer's other interactions the panel lists. */
const PAST_INTERACTIONS = 20;

export function registerContactRoutes({ route, store, visibility }: RouterContext): void {
  route(
    {
      method: 'get',
      path: '/interactions/:id/customer',
      summary: 'Who wrote the interaction: their name, address, contact, and their other interactions in accounts you may see',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      response: customerContextSchema,
    },
    async ({ params, user }): Promise<CustomerContext> => {
      const interaction = await visibility.requireInteraction(params.id, user);
      const [contact, past] = await Promise.all([
        interaction.contactId === null ? null : store.contacts.findWithList(interaction.contactId),
        store.contacts.interactionsOf(interaction.customerEmail, {
          accountIds: await visibility.accountIds(user),
          except: interaction.id,
          take: PAST_INTERACTIONS,
        }),
      ]);
      return {
        name: contact?.name ?? interaction.customerName,
        email: interaction.customerEmail,
        contact: contact ? { id: contact.id, listId: contact.listId, listName: contact.list.name, name: contact.name } : null,
        interactions: past.map((row) => ({
          ...row,
          lastMessageAt: row.lastMessageAt.toISOString(),
          createdAt: row.createdAt.toISOString(),
        })),
      };
    },
  );

  async function requireContactList(id: number) {
    const row = await store.contacts.findList(id);
    if (!row) throw new NotFoundError(`contact list ${id}`);
    return row;
  }

  async function requireListNameFree(name: string) {
    if (await store.contacts.findListByName(name)) throw new ConflictError(`a contact list named ${name} already exists`);
  }

  async function requireContact(listId: number, id: number, user: AuthenticatedUser) {
    await visibility.requireContactList(listId, user);
    const row = await store.contacts.find(listId, id);
    if (!row) throw new NotFoundError(`contact ${id} of list ${listId}`);
    return row;
  }

  async function requireEmailFree(listId: number, email: string) {
    if (await store.contacts.findByEmail(listId, email)) throw new ConflictError(`${email} is already in contact list ${listId}`);
  }

  route(
    {
      method: 'post',
      path: '/contact-lists',
      summary: 'Create a contact list',
      tags,
      roles: ['admin'],
      body: contactListCreateSchema,
      errors: [409],
      response: contactListSchema,
    },
    async ({ body }) => {
      await requireListNameFree(body.name);
      return store.contacts.createList(body);
    },
  );

  route(
    {
      method: 'get',
      path: '/contact-lists',
      summary: 'List contact lists',
      tags,
      roles: [...staff],
      query: listQuery(['id', 'name'] as const, { q: queryText.optional() }),
      response: listResponse(contactListSchema),
    },
    async ({ query, user }) => {
      const { q, ...list } = query;
      const withinAccounts = await visibility.scope(user);
      return page(list, (window) => store.contacts.lists({ q, withinAccounts }, window));
    },
  );

  route(
    {
      method: 'get',
      path: '/contact-lists/:id',
      summary: 'Read a contact list',
      tags,
      roles: [...staff],
      params: idParams,
      response: contactListSchema,
    },
    async ({ params, response, user }) => {
      const row = await visibility.requireContactList(params.id, user);
      response.setHeader('ETag', etagOf(contentTag(row)));
      return row;
    },
  );

  route(
    {
      method: 'patch',
      path: '/contact-lists/:id',
      summary: 'Rename a contact list (If-Match: 412 on a stale ETag)',
      tags,
      roles: ['admin'],
      params: idParams,
      body: contactListUpdateSchema,
      ifMatch: true,
      errors: [409],
      response: contactListSchema,
    },
    async ({ params, body, request, response }) => {
      const current = await requireContactList(params.id);
      checkIfMatch(request, contentTag(current), `contact list ${params.id}`);
      if (body.name && body.name !== current.name) await requireListNameFree(body.name);
      const row = await store.contacts.updateList(params.id, body);
      response.setHeader('ETag', etagOf(contentTag(row)));
      return row;
    },
  );

  route(
    {
      method: 'delete',
      path: '/contact-lists/:id',
      summary: 'Delete a contact list with its contacts',
      tags,
      roles: ['admin'],
      params: idParams,
      status: 204,
    },
    async ({ params }) => {
      await requireContactList(params.id);
      await store.contacts.deleteList(params.id);
    },
  );

  route(
    {
      method: 'post',
      path: '/contact-lists/:id/contacts',
      summary: 'Add a contact to a list',
      tags,
      roles: [...staff],
      params: idParams,
      body: contactCreateSchema,
      errors: [409],
      response: contactSchema,
    },
    async ({ params, body, user }) => {
      await visibility.requireContactList(params.id, user);
      const email = body.email.toLowerCase();
      await requireEmailFree(params.id, email);
      return presentContact(await store.contacts.create({ listId: params.id, email, name: body.name }));
    },
  );

  route(
    {
      method: 'get',
      path: '/contact-lists/:id/contacts',
      summary: 'List the contacts of a list',
      tags,
      roles: [...staff],
      params: idParams,
      query: listQuery(['id', 'email', 'name', 'createdAt'] as const, {
        q: queryText.optional().openapi({ description: 'email or name contains (case-insensitive)' }),
      }),
      response: listResponse(contactSchema),
    },
    async ({ params, query, user }) => {
      await visibility.requireContactList(params.id, user);
      const { q, ...list } = query;
      return page(list, (window) => store.contacts.list(params.id, { q }, window), presentContact);
    },
  );

  route(
    {
      method: 'get',
      path: '/contact-lists/:id/contacts/:childId',
      summary: 'Read a contact',
      tags,
      roles: [...staff],
      params: childParams,
      response: contactSchema,
    },
    async ({ params, response, user }) => {
      const row = await requireContact(params.id, params.childId, user);
      response.setHeader('ETag', etagOf(contentTag(row)));
      return presentContact(row);
    },
  );

  route(
    {
      method: 'patch',
      path: '/contact-lists/:id/contacts/:childId',
      summary: 'Change a contact (If-Match: 412 on a stale ETag)',
      tags,
      roles: [...staff],
      params: childParams,
      body: contactUpdateSchema,
      ifMatch: true,
      errors: [409],
      response: contactSchema,
    },
    async ({ params, body, request, response, user }) => {
      const current = await requireContact(params.id, params.childId, user);
      checkIfMatch(request, contentTag(current), `contact ${params.childId}`);
      const email = body.email?.toLowerCase();
      if (email && email !== current.email) await requireEmailFree(params.id, email);
      const row = await store.contacts.update(current.id, { ...body, ...(email ? { email } : {}) });
      response.setHeader('ETag', etagOf(contentTag(row)));
      return presentContact(row);
    },
  );

  route(
    {
      method: 'delete',
      path: '/contact-lists/:id/contacts/:childId',
      summary: 'Delete a contact',
      tags,
      roles: [...staff],
      params: childParams,
      status: 204,
    },
    async ({ params, user }) => {
      const row = await requireContact(params.id, params.childId, user);
      await store.contacts.delete(row.id);
    },
  );
}
