/** An interaction's thread: customer emails, replies and internal notes, with attachments. */
import { useRef } from 'preact/hooks';
import type { ThreadMessage } from './types';
import { formatBytes, formatDate } from './ui';

/**
 * The API's sanitized HTML, shown in a sandboxed frame: no scripts, and a policy that loads nothing
 * remote (no tracking pixels). Same-origin (without scripts) only so the frame can be sized to fit.
 */
function HtmlBody({ html, title }: { html: string; title: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const document = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"><style>body{font:14px system-ui,sans-serif;margin:0;color:#1b1f24;overflow-wrap:anywhere}img{max-width:100%}</style></head><body>${html}</body></html>`;
  return (
    <iframe
      ref={frame}
      class="html-body"
      title={title}
      sandbox="allow-same-origin"
      srcdoc={document}
      onLoad={() => {
        const body = frame.current?.contentDocument?.documentElement;
        if (body && frame.current) frame.current.style.height = `${Math.min(body.scrollHeight + 8, 600)}px`;
      }}
    />
  );
}

export function Thread({ messages, authors }: { messages: ThreadMessage[]; authors?: Map<number, string> }) {
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
          <li key={message.id} class={`message ${message.direction}`} data-direction={message.direction}>
            <header>
              <strong>{who}</strong>
              <time dateTime={message.receivedAt}>{formatDate(message.receivedAt)}</time>
            </header>
            {message.direction !== 'note' && message.subject && <p class="subject">{message.subject}</p>}
            {message.htmlSanitized ? (
              <HtmlBody html={message.htmlSanitized} title={`Message ${message.id}`} />
            ) : (
              <pre class="text-body">{message.text ?? ''}</pre>
            )}
            {message.attachments.length > 0 && (
              <ul class="attachments thread-attachments" aria-label="Attachments">
                {message.attachments
                  .filter((attachment) => !attachment.inline)
                  .map((attachment) => (
                    <li key={attachment.id}>
                      {attachment.filename ?? `attachment ${attachment.id}`} ({attachment.contentType}, {formatBytes(attachment.size)})
                    </li>
                  ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
