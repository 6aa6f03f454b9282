/**
 * The logo of an account's body template: uploaded here (stored content-addressed), sent in every reply and forward
 * as an inline part of the email (never a remote image, which tells the sender when the email is read and which
 * mail clients block), served back for the admin's preview.
 */
import { LOGO_TYPES, MAX_LOGO_BYTES, logoTypeOf, type BodyTemplateLogo } from '../../domain/account';
import { InvalidInputError } from '../../domain/errors';
import { nonBlank } from '../../domain/fields';
import { contentDisposition } from '../../domain/filenames';
import { createAccountService } from '../../services/accounts';
import type { RouterContext } from '../deps';
import { AppError, etagOf, idParams, z } from '../http';
import { presentAccount } from '../presenters';
import { accountSchema } from '../schemas/accounts';

const tags = ['Email accounts'];

const logoUploadSchema = z
  .object({
    filename: nonBlank(255),
    contentType: z.enum(LOGO_TYPES),
    contentBase64: z
      .string()
      .max(Math.ceil(MAX_LOGO_BYTES / 3) * 4, `must be at most ${MAX_LOGO_BYTES / 1024} KB`)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
  })
  .strict()
  .meta({ id: 'AccountLogoUpload' });

type Template = Record<string, unknown> & { logo?: BodyTemplateLogo };

export function registerAccountLogoRoutes({ route, deps, store, visibility }: RouterContext): void {
  const { secrets, watchers, logger, outbound } = deps;
  const accounts = createAccountService({ store, secrets, watchers, logger, outbound });

  route(
    {
      method: 'put',
      path: '/accounts/:id/logo',
      summary: "Upload the logo of the account's body template (PNG, JPEG or GIF up to 256 KB; sent inline in every email)",
      tags,
      roles: ['admin'],
      params: idParams,
      body: logoUploadSchema,
      status: 200,
      response: accountSchema,
    },
    async ({ params, body, response, user }) => {
      const current = await accounts.require(params.id);
      const bytes = Buffer.from(body.contentBase64, 'base64');
      if (bytes.length === 0 || bytes.length > MAX_LOGO_BYTES)
        throw InvalidInputError.field('contentBase64', `must be an image of 1 byte to ${MAX_LOGO_BYTES / 1024} KB`);
      if (logoTypeOf(bytes) !== body.contentType) throw InvalidInputError.field('contentBase64', `must be a ${body.contentType} image`);
      const logo: BodyTemplateLogo = {
        filename: body.filename,
        contentType: body.contentType,
        sha256: await store.blobs.put(bytes),
        size: bytes.length,
      };
      const { logoUrl: _replaced, ...template } = (current.bodyTemplate ?? {}) as Template;
      const account = await accounts.update(current, { bodyTemplate: { ...template, logo } }, user.id);
      response.setHeader('ETag', etagOf(account.updatedAt));
      return presentAccount(account);
    },
  );

  route(
    {
      method: 'delete',
      path: '/accounts/:id/logo',
      summary: "Remove the logo of the account's body template",
      tags,
      roles: ['admin'],
      params: idParams,
      status: 200,
      response: accountSchema,
    },
    async ({ params, response, user }) => {
      const current = await accounts.require(params.id);
      const { logo: _removed, logoUrl: _old, ...template } = (current.bodyTemplate ?? {}) as Template;
      const account = await accounts.update(current, { bodyTemplate: template }, user.id);
      response.setHeader('ETag', etagOf(account.updatedAt));
      return presentAccount(account);
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/logo',
      summary: "The logo of the account's body template (always as a download)",
      tags,
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      produces: 'application/octet-stream',
    },
    async ({ params, response, user }) => {
      const account = await visibility.requireAccount(params.id, user);
      const logo = (account.bodyTemplate as Template | null)?.logo;
      const bytes = logo ? await store.blobs.read(logo.sha256) : null;
      if (!logo || !bytes) throw AppError.notFound(`logo of account ${params.id}`);
      response
        .status(200)
        .type('application/octet-stream')
        .setHeader('x-content-type-options', 'nosniff')
        .setHeader('x-attachment-content-type', logo.contentType)
        .setHeader('content-disposition', contentDisposition(logo.filename, 'attachment', `logo-${account.key}`))
        .send(bytes);
      return undefined;
    },
  );
}
