/** What the holder (or a supervisor) does with a held interaction: reply, forward, close. */
import { randomUUID } from 'node:crypto';
import { closeUpdate, forwardUpdate, replyUpdate } from '../../contracts/route-email';
import type { OutboundRequest } from '../../domain/email';
import { interactionReplyRecipients } from '../../domain/outbound';
import { htmlToPlainText } from '../../platform/html-text';
import { sanitizeEmailHtml } from '../../platform/sanitize';
import type { RouterContext } from '../deps';
import { AppError, idParams, z, type AuthenticatedUser } from '../http';
import { closeSchema, forwardSchema, newEmailSchema, replySchema } from '../schemas/agent-actions';
import { askHoldingRun, asConflict } from '../workflow-answers';
import { createOutboundInteractions } from '../../services/outbound-interactions';

/** At most this much may be attached to one outbound email (what common SMTP servers accept). */
export const OUTBOUND_ATTACHMENTS_MAX_BYTES = 25 * 1024 * 1024;

const sentResponse = z.object({ outboundId: z.number(), messageIdHeader: z.string() });
const recipientList = z.array(z.object({ name: z.string().optional(), address: z.string() }));
const replyRecipientsResponse = z
  .object({
    reply: z.object({ to: recipientList, cc: recipientList }),
    replyAll: z.object({ to: recipientList, cc: recipientList }),
  })
  .meta({ id: 'ReplyRecipients' });
const newEmailResponse = z
  .object({
    interactionId: z.number(),
    workflowId: z.string(),
    state: z.enum(['sent', 'sending', 'failed', 'uncertain']).openapi({
      description:
        "sending: not accepted by the SMTP server yet (the run keeps trying; the thread shows the email's status); failed: refused for good (error says why; reply to try again); uncertain: the server may have it (settled in the thread)",
    }),
    outboundId: z.number().nullable().openapi({ description: 'null until the run has written the email' }),
    messageIdHeader: z.string().nullable(),
    error: z.string().nullable().openapi({ description: 'why a failed email was refused' }),
  })
  .meta({ id: 'NewEmailSent' });
const closedResponse = z.object({
  state: z.enum(['closed', 'disposing']).openapi({ description: 'disposing: the account requires a disposition first' }),
  needs: z.literal('disposition').optional().openapi({ description: 'while disposing: what is still needed to close' }),
  message: z.string().optional().openapi({ description: 'while disposing: what to do, in words' }),
});
const DISPOSITION_NEEDED = { needs: 'disposition' as const, message: 'choose a disposition to close this interaction' };

export function registerAgentActionRoutes({ route, deps, store, visibility }: RouterContext): void {
  const { temporal } = deps;

  /**
   * Attachments are stored (content-addressed) before the workflow hears of them: only their names and hashes
   * travel in the update, never their bytes.
   */
  async function storeAttachments(attachments: Array<{ filename: string; contentType: string; contentBase64: string }>) {
    const decoded = attachments.map((attachment) => ({ ...attachment, content: Buffer.from(attachment.contentBase64, 'base64') }));
    const total = decoded.reduce((sum, attachment) => sum + attachment.content.length, 0);
    if (total > OUTBOUND_ATTACHMENTS_MAX_BYTES) {
      throw AppError.badRequest('attachments are too large', [
        { field: 'attachments', reason: `${total} bytes in all; at most ${OUTBOUND_ATTACHMENTS_MAX_BYTES} bytes may be sent` },
      ]);
    }
    return Promise.all(
      decoded.map(async ({ filename, contentType, content }) => ({
        filename,
        contentType,
        size: content.length,
        sha256: await store.blobs.put(content),
      })),
    );
  }

  /** The parts of a reply or forward every request shares, checked against the interaction's account. */
  async function outboundRequest(
    interaction: { accountId: number },
    user: AuthenticatedUser,
    body: Pick<z.infer<typeof replySchema>, 'text' | 'html' | 'cannedAnswerId' | 'attachments' | 'requestId'>,
  ): Promise<OutboundRequest> {
    if (body.cannedAnswerId !== undefined && !(await store.outbox.findCannedAnswer(body.cannedAnswerId, interaction.accountId))) {
      throw AppError.badRequest('cannedAnswerId is not a canned answer of this account', [
        { field: 'cannedAnswerId', reason: 'neither a global canned answer nor one of this account' },
      ]);
    }
    // Agent HTML goes out under the inbound allow-list; a client that sends no text gets the text part made from it.
    const html = body.html === undefined ? undefined : sanitizeEmailHtml(body.html);
    const text = html !== undefined && body.text.trim() === '' ? htmlToPlainText(html) : body.text;
    if (html !== undefined && text.trim() === '' && body.cannedAnswerId === undefined && !/<img\b/i.test(html)) {
      throw AppError.badRequest('html has nothing to send', [
        { field: 'html', reason: 'no words are left once scripts and other unsafe content are removed' },
      ]);
    }
    return {
      agentId: user.id,
      requestId: body.requestId ?? randomUUID(),
      text,
      ...(html !== undefined ? { html } : {}),
      ...(body.cannedAnswerId !== undefined ? { cannedAnswerId: body.cannedAnswerId } : {}),
      attachments: await storeAttachments(body.attachments),
    };
  }

  const outboundInteractions = createOutboundInteractions({ store, temporal, taskQueue: deps.watchers.taskQueue });

  route(
    {
      method: 'post',
      path: '/interactions',
      bodyLimit: '36mb',
      summary:
        'Start an interaction by writing to a customer: you hold it from the start and their answer threads to it (idempotent per requestId)',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      body: newEmailSchema,
      status: 201,
      errors: [409, 503],
      response: newEmailResponse,
    },
    async ({ body, user }) => {
      const account = await visibility.requireAccount(body.accountId, user).catch(() => {
        throw AppError.badRequest('accountId is not an account you work', [
          { field: 'accountId', reason: 'not an account you are added to' },
        ]);
      });
      const request = await outboundRequest({ accountId: account.id }, user, body);
      return asConflict(() =>
        outboundInteractions.start({
          account: { id: account.id, key: account.key, contactListId: account.contactListId },
          agentId: user.id,
          to: body.to,
          cc: body.cc,
          bcc: body.bcc,
          subject: body.subject,
          request,
        }),
      );
    },
  );

  route(
    {
      method: 'get',
      path: '/interactions/:id/reply-recipients',
      summary: "Who a reply and a reply-all go to before the agent edits them (reply all: the customer's others, not the account)",
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      response: replyRecipientsResponse,
    },
    async ({ params, user }) => {
      await visibility.requireInteraction(params.id, user);
      const interaction = await store.outbox.interactionWithThread(params.id);
      if (!interaction) throw AppError.notFound(`interaction ${params.id}`);
      return { reply: interactionReplyRecipients(interaction, false), replyAll: interactionReplyRecipients(interaction, true) };
    },
  );

  route(
    {
      method: 'post',
      path: '/interactions/:id/reply',
      // Attachments travel base64-encoded: a third larger than the 25 MB they may add up to.
      bodyLimit: '36mb',
      summary: "Reply to the customer with the account's body template (idempotent per requestId)",
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: replySchema,
      status: 200,
      errors: [409, 503],
      response: sentResponse,
    },
    async ({ params, body, user }) => {
      const interaction = await visibility.requireInteraction(params.id, user);
      if (!interaction.routingWorkflowId) throw AppError.conflict('nobody holds this interaction');
      const request = {
        ...(await outboundRequest(interaction, user, body)),
        ...(body.replyAll ? { replyAll: true } : {}),
        ...(body.to !== undefined ? { to: body.to } : {}),
        ...(body.cc !== undefined ? { cc: body.cc } : {}),
        ...(body.bcc !== undefined ? { bcc: body.bcc } : {}),
      };
      return askHoldingRun(temporal, interaction.routingWorkflowId, user, interaction, (run) =>
        run.executeUpdate(replyUpdate, { args: [request] }),
      );
    },
  );

  route(
    {
      method: 'post',
      path: '/interactions/:id/forward',
      // Attachments travel base64-encoded: a third larger than the 25 MB they may add up to.
      bodyLimit: '36mb',
      summary: "Forward the interaction to other recipients, with the customer's latest message when asked (idempotent per requestId)",
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: forwardSchema,
      status: 200,
      errors: [409, 503],
      response: sentResponse,
    },
    async ({ params, body, user }) => {
      const interaction = await visibility.requireInteraction(params.id, user);
      if (!interaction.routingWorkflowId) throw AppError.conflict('nobody holds this interaction');
      const request = {
        ...(await outboundRequest(interaction, user, body)),
        to: body.to,
        cc: body.cc,
        ...(body.bcc !== undefined ? { bcc: body.bcc } : {}),
        ...(body.includePreviousMessage !== undefined ? { includePreviousMessage: body.includePreviousMessage } : {}),
      };
      return askHoldingRun(temporal, interaction.routingWorkflowId, user, interaction, (run) =>
        run.executeUpdate(forwardUpdate, { args: [request] }),
      );
    },
  );

  route(
    {
      method: 'post',
      path: '/interactions/:id/close',
      summary: 'Close an interaction (with a disposition when the account requires one)',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: closeSchema,
      status: 200,
      errors: [409, 503],
      response: closedResponse,
    },
    async ({ params, body, user }) => {
      const interaction = await visibility.requireInteraction(params.id, user);
      if (!interaction.routingWorkflowId) throw AppError.conflict('this interaction is not being routed or held');
      if (body.dispositionId !== undefined && !(await store.dispositions.find(interaction.accountId, body.dispositionId))) {
        throw AppError.badRequest('dispositionId is not a disposition of this account', [
          { field: 'dispositionId', reason: 'not a disposition of this account' },
        ]);
      }
      const answer = await askHoldingRun(temporal, interaction.routingWorkflowId, user, interaction, (run) =>
        run.executeUpdate(closeUpdate, {
          args: [
            {
              actorId: user.id,
              asSupervisor: user.role !== 'agent',
              ...(body.dispositionId !== undefined ? { dispositionId: body.dispositionId } : {}),
            },
          ],
        }),
      );
      // Runs begun before they said what is missing answer only the state.
      return answer.state === 'disposing' ? { ...DISPOSITION_NEEDED, ...answer } : answer;
    },
  );
}
