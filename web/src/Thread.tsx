/** An interaction's thread: customer emails, replies and internal notes, with attachments. */
import { useMemo, useRef, useState } from 'preact/hooks';
import { AttachmentList, inlineImages, useImageUrls } from './Attachments';
import { prepareEmailHtml } from './email-html';
import type { ThreadMessage } from './types';
import { RelativeTime } from './ui';

/**
 * The API's sanitized HTML in a sandboxed frame: scripts never run (no allow-scripts); links open in a new tab
 * (allow-popups, and escaping the sandbox so the linked page works normally; each link has noopener and noreferrer).
 * Same-origin (without scripts) so the frame can be sized to fit and show the blob: URLs of inline pictures. The
 * frame's own policy loads images from data: and blob: only, and from the internet once the user has asked to for
 * this message.
 */
function HtmlBody({ html, title, images }: { html: string; title: string; images: Map<string, string> }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [loadRemote, setLoadRemote] = useState(false);
  const imagesKey = [...images].join();
  const prepared = useMemo(() => prepareEmailHtml(html, images, loadRemote), [html, imagesKey, loadRemote]);
  const imageSources = loadRemote ? 'data: blob: http: https:' : 'data: blob:';
  const document = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${imageSources}; style-src 'unsafe-inline'"><style>body{font:14px system-ui,sans-serif;margin:0;color:#1b1f24;overflow-wrap:anywhere}img{max-width:100%}</style></head><body dir="auto">${prepared.html}</body></html>`;
  return (
    <>
      {prepared.remoteImages && !loadRemote && (
        <p class="remote-images" data-testid="remote-images">
          <span>Remote images are blocked to protect your privacy.</span>
          <button type="button" class="small" onClick={() => setLoadRemote(true)}>
            Load images
          </button>
        </p>
      )}
      <iframe
        ref={frame}
        class="html-body"
        title={title}
        sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
        srcdoc={document}
        onLoad={() => {
          const body = frame.current?.contentDocument?.documentElement;
          if (body && frame.current) frame.current.style.height = `${Math.min(body.scrollHeight + 8, 600)}px`;
        }}
      />
    </>
  );
}

export function Thread({ messages, authors }: { messages: ThreadMessage[]; authors?: Map<number, string> }) {
  const imageUrls = useImageUrls(messages);
  return (
    <ol class="thread" aria-label="Messages">
      {messages.map((message) => {
        const who =
          message.direction === 'inbound'
            ? `${message.fromName ? `${message.fromName} ` : ''}<${message.fromAddress ?? 'unknown'}>`
            : message.direction === 'note'
              ? `Internal note${message.authorId !== null && authors?.has(message.authorId) ? ` by ${authors.get(message.authorId)}` : ''}`
              : `Sent${message.authorId !== null && authors?.get(message.authorId) ? ` by ${authors.get(message.authorId)}` : ''} to ${message.toAddresses.map((to) => to.address).join(', ')}`;
        return (
          <li key={message.id} class={`message ${message.direction}`} data-direction={message.direction} data-message-id={message.id}>
            <header>
              <strong>{who}</strong>
              <RelativeTime value={message.receivedAt} />
            </header>
            {message.direction === 'outbound' && (message.ccAddresses.length > 0 || message.bccAddresses.length > 0) && (
              <p class="copies muted">
                {message.ccAddresses.length > 0 && `Cc: ${message.ccAddresses.map((cc) => cc.address).join(', ')}`}
                {message.ccAddresses.length > 0 && message.bccAddresses.length > 0 && ' · '}
                {message.bccAddresses.length > 0 && `Bcc: ${message.bccAddresses.map((bcc) => bcc.address).join(', ')}`}
              </p>
            )}
            {message.direction !== 'note' && message.subject && (
              <p class="subject" dir="auto">
                {message.subject}
              </p>
            )}
            {message.htmlSanitized ? (
              <HtmlBody html={message.htmlSanitized} title={`Message ${message.id}`} images={inlineImages(message, imageUrls)} />
            ) : (
              <pre class="text-body" dir="auto">
                {message.text ?? ''}
              </pre>
            )}
            <AttachmentList message={message} urls={imageUrls} />
          </li>
        );
      })}
    </ol>
  );
}
