/** Interactions taken out of mailroute: a CSV of a selection, and one thread as a zip of .eml files. Both streamed. */
import { safeFilename } from '../../domain/filenames';
import { once } from 'node:events';
import MailComposer from 'nodemailer/lib/mail-composer';
import yazl from 'yazl';
import type { RouterContext } from '../deps';
import { idParams, z } from '../http';
import { interactionIdsSchema } from './interactions';

const exportSchema = interactionIdsSchema
  .extend({ bom: z.boolean().default(false) })
  .strict()
  .openapi('InteractionExport');
const downloadQuery = z.object({ attachments: z.enum(['true', 'false']).default('true') }).strict();

const CSV_COLUMNS = [
  'id',
  'accountKey',
  'subject',
  'customerEmail',
  'customerName',
  'status',
  'read',
  'agent',
  'queueId',
  'priority',
  'tags',
  'disposition',
  'createdAt',
  'closedAt',
] as const;

/** RFC 4180 quoting; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function registerExportRoutes({ route, store, visibility }: RouterContext): void {
  route(
    {
      method: 'post',
      path: '/interactions/export',
      summary: 'CSV export of selected interactions (streamed; bom adds a UTF-8 BOM for spreadsheets)',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor'],
      body: exportSchema,
      status: 200,
      produces: 'text/csv',
      errors: [404],
    },
    async ({ body, user, response }) => {
      const ids = await visibility.requireInteractions(body.ids, user);
      response.status(200).type('text/csv; charset=utf-8').attachment('interactions.csv');
      if (body.bom) response.write('\uFEFF');
      response.write(`${CSV_COLUMNS.join(',')}\r\n`);
      for await (const page of store.interactions.exportRows(ids)) {
        for (const row of page) {
          const cells = [
            row.id,
            row.account.key,
            row.subject,
            row.customerEmail,
            row.customerName,
            row.status,
            row.read,
            row.agent?.name,
            row.queueId,
            row.priority,
            row.tags.join(';'),
            row.disposition?.name,
            row.createdAt,
            row.closedAt,
          ];
          if (!response.write(`${cells.map(csvCell).join(',')}\r\n`)) await once(response, 'drain');
        }
      }
      response.end();
    },
  );

  route(
    {
      method: 'get',
      path: '/interactions/:id/download',
      summary: 'The thread as a zip of numbered .eml files, with or without attachments (streamed)',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor'],
      params: idParams,
      query: downloadQuery,
      status: 200,
      produces: 'application/zip',
    },
    async ({ params, query, user, response }) => {
      const [id] = await visibility.requireInteractions([params.id], user);
      const messages = await store.threads.emails(id!);
      const zip = new yazl.ZipFile();
      response
        .status(200)
        .type('application/zip')
        .attachment(`interaction-${id}${query.attachments === 'true' ? '' : '-without-attachments'}.zip`);
      zip.outputStream.pipe(response);
      let number = 0;
      for (const message of messages) {
        number += 1;
        const prefix = String(number).padStart(3, '0');
        if (query.attachments === 'true') {
          const raw = message.rawSha256 ? await store.blobs.read(message.rawSha256) : null;
          zip.addBuffer(raw ?? (await textOnlyEml(message)), `${prefix}.eml`);
          for (const attachment of message.attachments) {
            const content = await store.blobs.read(attachment.sha256);
            if (content)
              zip.addBuffer(content, `${prefix}-attachments/${safeFilename(attachment.filename, `attachment-${attachment.id}`)}`);
          }
        } else {
          zip.addBuffer(await textOnlyEml(message), `${prefix}.eml`);
        }
      }
      zip.end();
      await once(zip.outputStream, 'end');
    },
  );
}

/** An .eml rebuilt from the stored text and HTML parts only (no attachments). */
function textOnlyEml(message: {
  messageIdHeader: string | null;
  inReplyTo: string | null;
  references: string[];
  fromAddress: string | null;
  fromName: string | null;
  toAddresses: unknown;
  ccAddresses: unknown;
  subject: string;
  text: string | null;
  html: string | null;
  receivedAt: Date;
}): Promise<Buffer> {
  const composer = new MailComposer({
    from: message.fromAddress ? { name: message.fromName ?? '', address: message.fromAddress } : undefined,
    to: message.toAddresses as never,
    cc: message.ccAddresses as never,
    subject: message.subject,
    text: message.text ?? '',
    ...(message.html ? { html: message.html } : {}),
    ...(message.messageIdHeader ? { messageId: message.messageIdHeader } : {}),
    ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
    references: message.references,
    date: message.receivedAt,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return new Promise((resolve, reject) => composer.compile().build((error, buffer) => (error ? reject(error) : resolve(buffer))));
}
