/**
 * Rows as the desk answers them (api/schemas/desk-answers.ts): dates as ISO strings, 64-bit UIDs as strings, JSON
 * columns as the shapes they are stored in. Every other field is passed through as read.
 */
import { renderNotification } from '../domain/notifications';
import type { InteractionStore } from '../store/interactions';
import type { OfferStore } from '../store/offers';
import type { OutboundEnvelope } from '../domain/outbound';
import type { ThreadStore } from '../store/threads';
import type { VisibilityStore } from '../store/visibility';
import type { InteractionDetail, InteractionSearchItem, PendingOffer, ThreadMessage } from './schemas/desk-answers';

type InteractionRow = NonNullable<Awaited<ReturnType<VisibilityStore['findInteraction']>>>;
type SearchRow = Awaited<ReturnType<InteractionStore['search']>>[number];
type Thread = Awaited<ReturnType<ThreadStore['messagesAndEvents']>>;
type PendingOfferRow = Awaited<ReturnType<OfferStore['pendingFor']>>[number];

const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

function presentInteraction<Row extends InteractionRow>(row: Row) {
  return {
    ...row,
    closedAt: isoOrNull(row.closedAt),
    lastMessageAt: iso(row.lastMessageAt),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function presentSearchItem(row: SearchRow): InteractionSearchItem {
  return presentInteraction(row);
}

function presentMessage({ uidValidity, uid, redownloadModseq, ...message }: Thread['messages'][number]): ThreadMessage {
  return {
    ...message,
    toAddresses: message.toAddresses as ThreadMessage['toAddresses'],
    ccAddresses: message.ccAddresses as ThreadMessage['ccAddresses'],
    bccAddresses: message.bccAddresses as ThreadMessage['bccAddresses'],
    headers: message.headers as ThreadMessage['headers'],
    receivedAt: iso(message.receivedAt),
    noticedAt: message.noticedAt ? iso(message.noticedAt) : null,
    createdAt: iso(message.createdAt),
    redownloadModseq: redownloadModseq?.toString() ?? null,
    uidValidity: uidValidity?.toString() ?? null,
    uid: uid?.toString() ?? null,
  };
}

/** An interaction with its thread; `workflowUrl` links its current routing workflow. */
export function presentThread(
  interaction: InteractionRow,
  workflowUrl: string | null,
  { messages, events, uncertainSends }: Thread,
): InteractionDetail {
  return {
    ...presentInteraction(interaction),
    workflowUrl,
    messages: messages.map(presentMessage),
    events: events.map((event) => ({ ...event, detail: event.detail as Record<string, unknown>, createdAt: iso(event.createdAt) })),
    uncertainSends: uncertainSends.map(({ id, kind, authorId, envelope, error, createdAt }) => {
      const { subject, to } = envelope as unknown as OutboundEnvelope;
      return { outboundId: id, kind, authorId, subject, to, reason: error, createdAt: iso(createdAt) };
    }),
  };
}

const PREVIEW_CHARS = 200;

/** A message's text as one line for a preview: quoted lines dropped, white space collapsed, cut at a word. */
export function previewLine(text: string | null): string {
  const line = (text ?? '')
    .split(/\r?\n/)
    .filter((row) => !row.trimStart().startsWith('>'))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (line.length <= PREVIEW_CHARS) return line;
  const cut = line.slice(0, PREVIEW_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > PREVIEW_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}

/** A pending offer as the desk lists it, with the notification a live offer event carries. */
export function presentPendingOffer(offer: PendingOfferRow): PendingOffer {
  const { interaction } = offer;
  const newest = interaction.messages[0];
  return {
    id: offer.id,
    interactionId: offer.interactionId,
    accountKey: interaction.account.key,
    accountName: interaction.account.name,
    subject: interaction.subject,
    customerEmail: interaction.customerEmail,
    customerName: interaction.customerName,
    preview: previewLine(newest?.text ?? null),
    waitingSince: iso(newest?.receivedAt ?? interaction.lastMessageAt),
    source: offer.source,
    expiresAt: iso(offer.expiresAt),
    notification: renderNotification(interaction.account, interaction),
  };
}
