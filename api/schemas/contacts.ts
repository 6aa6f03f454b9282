/** Contact lists and their contacts over HTTP. */
import { z } from 'zod';
import { emailAddress, nonBlank } from '../../domain/fields';
import { patchOf } from './patch';

const contactListFields = { name: nonBlank(255) };
export const contactListCreateSchema = z.object(contactListFields).strict().meta({ id: 'ContactListCreate' });
export const contactListUpdateSchema = patchOf(contactListFields).meta({ id: 'ContactListUpdate' });
export const contactListSchema = z.object({ id: z.number().int(), name: z.string() }).meta({ id: 'ContactList' });
export type ContactList = z.output<typeof contactListSchema>;

const contactFields = { email: emailAddress(), name: z.string().trim().max(255).nullable().default(null) };
export const contactCreateSchema = z.object(contactFields).strict().meta({ id: 'ContactCreate' });
export const contactUpdateSchema = patchOf(contactFields).meta({ id: 'ContactUpdate' });
export const contactSchema = z
  .object({ id: z.number().int(), listId: z.number().int(), email: z.string(), name: z.string().nullable(), createdAt: z.string() })
  .meta({ id: 'Contact' });
export type Contact = z.output<typeof contactSchema>;
