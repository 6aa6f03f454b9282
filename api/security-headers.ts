/**
 * Security headers on every answer of the API process: the API, the web client at /app, the OpenAPI docs at /docs,
 * and errors alike. Set first, so a later handler may only loosen caching (static files set their own).
 */
import type { RequestHandler } from 'express';

/**
 * Scripts only from this origin, never inline: the web client is one module script built by Vite, and the docs
 * page loads Swagger UI and its start-up from /docs. Styles may be inline: Preact and Swagger UI set style
 * attributes, and a thread shows sanitized email HTML, inline styles included, in a sandboxed srcdoc frame, which
 * inherits this policy (the frame adds its own, stricter one). Images from data: URIs (Swagger UI's icons), blob:
 * (attachment previews and emails' inline pictures, fetched with the user's authorization) and the web: an email's
 * remote images, which the thread's frame refuses by its own policy until the user asks to load them for that
 * message (web/src/Thread.tsx); the client itself shows no remote image. Nobody may frame the pages (clickjacking).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: http: https:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(): RequestHandler {
  return (_request, response, next) => {
    response.set({
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      // Links out of the desk (a customer's email, the Temporal UI) do not tell where they were followed from.
      'referrer-policy': 'no-referrer',
      // frame-ancestors for browsers that predate it.
      'x-frame-options': 'DENY',
    });
    // Answers carry personal data: no browser or proxy keeps them, unless the handler chose its caching itself (hashed
    // web assets are kept for good, index.html revalidated). Decided when the headers go out, as static files set
    // theirs only when none is set yet.
    const writeHead = response.writeHead;
    response.writeHead = function (this: typeof response, ...args: Parameters<typeof writeHead>) {
      if (!this.headersSent && !this.hasHeader('cache-control')) this.setHeader('cache-control', 'no-store');
      return writeHead.apply(this, args);
    } as typeof writeHead;
    next();
  };
}
