/**
 * A message's attachments: chips with name, type and size that download the file, thumbnails of images, and the
 * images' bytes as blob: URLs for the HTML body's inline (cid:) pictures. Every byte is fetched through the API with
 * the user's authorization (the attachment route, which serves each file as a download); only raster images whose
 * bytes are what they claim to be become previews, so nothing an attachment holds ever runs in the desk's origin.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError, download, getBlob } from './api';
import type { MessageAttachment, ThreadMessage } from './types';
import { formatBytes } from './ui';

/** Larger images are listed but not previewed (their bytes would be fetched just to draw a thumbnail). */
const PREVIEW_MAX_BYTES = 10 * 1024 * 1024;

/** The raster formats a browser shows without running anything, by their leading bytes. SVG is never one. */
const RASTER_SIGNATURES: { type: string; matches: (bytes: Uint8Array) => boolean }[] = [
  { type: 'image/png', matches: (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 },
  { type: 'image/jpeg', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', matches: (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 },
  {
    type: 'image/webp',
    matches: (b) => String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP',
  },
];

export function isPreviewable(attachment: MessageAttachment): boolean {
  return RASTER_SIGNATURES.some(({ type }) => type === attachment.contentType.toLowerCase()) && attachment.size <= PREVIEW_MAX_BYTES;
}

const attachmentPath = (attachment: MessageAttachment, interactionId: number) =>
  `/interactions/${interactionId}/attachments/${attachment.id}`;

/** The image as a blob of the raster type its bytes show, or null when they are not one of those. */
async function rasterImage(path: string): Promise<Blob | null> {
  const blob = await getBlob(path);
  const head = new Uint8Array(await blob.slice(0, 12).arrayBuffer());
  const format = RASTER_SIGNATURES.find(({ matches }) => matches(head));
  return format ? new Blob([blob], { type: format.type }) : null;
}

/**
 * blob: URLs of the thread's previewable images by attachment id, filled in as they arrive; an image that fails to
 * load or is not what it claims stays out. All are revoked when the thread goes away.
 */
export function useImageUrls(messages: ThreadMessage[]): Map<number, string> {
  const [urls, setUrls] = useState<Map<number, string>>(new Map());
  const requested = useRef(new Set<number>());
  const created = useRef<string[]>([]);
  const mounted = useRef(true);
  const wanted = messages.flatMap((message) =>
    message.attachments
      .filter(isPreviewable)
      .map((attachment) => ({ attachment, path: attachmentPath(attachment, message.interactionId) })),
  );
  const key = wanted.map(({ attachment }) => attachment.id).join(',');
  useEffect(() => {
    for (const { attachment, path } of wanted) {
      if (requested.current.has(attachment.id)) continue;
      requested.current.add(attachment.id);
      rasterImage(path)
        .then((image) => {
          if (!image || !mounted.current) return;
          const url = URL.createObjectURL(image);
          created.current.push(url);
          setUrls((previous) => new Map(previous).set(attachment.id, url));
        })
        .catch(() => undefined); // no preview; the chip still downloads it (and says why if that fails too)
    }
  }, [key]);
  useEffect(
    () => () => {
      mounted.current = false;
      for (const url of created.current) URL.revokeObjectURL(url);
    },
    [],
  );
  return urls;
}

/** A Content-ID as a cid: URL names it: without angle brackets, percent-decoded (RFC 2392), any case. */
export function normalContentId(contentId: string): string {
  let id = contentId.trim().replace(/^<|>$/g, '');
  try {
    id = decodeURIComponent(id);
  } catch {
    // not percent-encoded: as written
  }
  return id.toLowerCase();
}

/** The message's inline pictures: normalised Content-ID → blob: URL (those loaded so far). */
export function inlineImages(message: ThreadMessage, urls: Map<number, string>): Map<string, string> {
  const images = new Map<string, string>();
  for (const attachment of message.attachments) {
    const url = urls.get(attachment.id);
    if (attachment.contentId && url) images.set(normalContentId(attachment.contentId), url);
  }
  return images;
}

function AttachmentChip({ attachment, interactionId, url }: { attachment: MessageAttachment; interactionId: number; url?: string }) {
  const [error, setError] = useState<string | null>(null);
  const name = attachment.filename ?? `attachment ${attachment.id}`;
  return (
    <li class="attachment-chip" data-attachment-id={attachment.id}>
      {url && (
        <a class="attachment-thumb" href={url} target="_blank" rel="noopener noreferrer">
          <img src={url} alt={`View ${name}`} />
        </a>
      )}
      <span class="attachment-facts">
        <button
          type="button"
          class="link"
          aria-label={`Download ${name}`}
          onClick={() => {
            setError(null);
            download('GET', attachmentPath(attachment, interactionId), name).catch((failure: unknown) => setError(describeError(failure)));
          }}
        >
          {name}
        </button>
        <span class="muted">
          {attachment.contentType} · {formatBytes(attachment.size)}
          {attachment.inline ? ' · shown in the message' : ''}
        </span>
        {error && (
          <span class="error" role="alert">
            Could not download: {error}
          </span>
        )}
      </span>
    </li>
  );
}

export function AttachmentList({ message, urls }: { message: ThreadMessage; urls: Map<number, string> }) {
  if (message.attachments.length === 0) return null;
  return (
    <ul class="attachments attachment-chips" aria-label={`Attachments (${message.attachments.length})`}>
      {message.attachments.map((attachment) => (
        <AttachmentChip key={attachment.id} attachment={attachment} interactionId={message.interactionId} url={urls.get(attachment.id)} />
      ))}
    </ul>
  );
}
