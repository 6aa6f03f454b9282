/**
 * An in-process SMTP server that captures what the platform sends, for tests. Listens on
 * 127.0.0.1 (port 0 by default), plain text (no STARTTLS), AUTH PLAIN/LOGIN/XOAUTH2 offered and optional:
 * any credentials are accepted and the username (and the method and token) recorded.
 */
import type { Socket } from 'node:net';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface CapturedAddress {
  address: string;
  name: string;
}

export interface CapturedEmail {
  /** SMTP envelope, as given in MAIL FROM / RCPT TO. */
  envelope: { mailFrom: string | null; rcptTo: string[] };
  /** The AUTH username, when the client authenticated. */
  authUser: string | undefined;
  /** How: PLAIN, LOGIN or XOAUTH2 (then `accessToken` is the bearer token offered). */
  authMethod: string | undefined;
  accessToken: string | undefined;
  /** The message exactly as received in DATA (dot-unstuffed). */
  raw: Buffer;
  messageId: string | undefined;
  inReplyTo: string | undefined;
  references: string[];
  from: CapturedAddress | undefined;
  to: CapturedAddress[];
  cc: CapturedAddress[];
  subject: string | undefined;
  text: string | undefined;
  html: string | undefined;
  /** Parsed header fields, lower-case names (mailparser's map). */
  headers: ParsedMail['headers'];
  /** Everything mailparser made of it (attachments etc.). */
  parsed: ParsedMail;
  /** false when a `beforeAccept` hook rejected it or dropped the connection instead of the 250. */
  accepted: boolean;
  receivedAt: Date;
}

export interface SmtpDataHookContext {
  session: SMTPServerSession;
  /** Closes the TCP connection without sending any reply (a reply lost after DATA). */
  dropConnection(): void;
}

/**
 * Runs once the DATA has been fully received and parsed (the email is already in `messages`).
 * In `beforeAccept`, throwing rejects the message (reply `error.responseCode`, default 451, with the
 * error's message) and `context.dropConnection()` sends no reply at all.
 */
export type SmtpDataHook = (email: CapturedEmail, context: SmtpDataHookContext) => void | Promise<void>;

export interface SmtpSinkOptions {
  /** Refuse MAIL FROM until the client authenticated. Default false (auth optional). */
  requireAuth?: boolean;
  /** Runs before the reply to DATA is sent. */
  beforeAccept?: SmtpDataHook;
  /** Runs right after the 250 reply to DATA has been written. */
  afterAccept?: SmtpDataHook;
}

export interface SmtpSink {
  host: string;
  port: number;
  /** Every message received, in order of arrival, including ones the hooks rejected. */
  messages: CapturedEmail[];
  /** Resolves with `messages` once at least `count` have arrived; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<CapturedEmail[]>;
  close(): Promise<void>;
}

const SINK_HOST = '127.0.0.1';

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: CapturedEmail[] = [];
  const waiters = new Set<() => void>();
  /** Raw sockets by client port, so a hook can drop the connection behind a session. */
  const socketsByRemotePort = new Map<number, Socket>();
  const notify = () => waiters.forEach((check) => check());
  const authBySession = new Map<string, { method: string; accessToken: string | undefined }>();

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    allowInsecureAuth: true,
    authOptional: !options.requireAuth,
    authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'],
    logger: false,
    closeTimeout: 1_000,
    onAuth(auth, session, callback) {
      authBySession.set(session.id, { method: auth.method, accessToken: auth.accessToken });
      callback(null, { user: auth.username ?? '' });
    },
    onData(stream, session, callback) {
      // The envelope is reset as soon as the reply is sent: copy it now.
      const envelope = {
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        rcptTo: session.envelope.rcptTo.map((recipient) => recipient.address),
      };
      const authUser = typeof session.user === 'string' && session.user !== '' ? session.user : undefined;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        void (async () => {
          const raw = Buffer.concat(chunks);
          const parsed = await simpleParser(raw);
          const email = toCapturedEmail(raw, parsed, envelope, authUser, authBySession.get(session.id));
          messages.push(email);
          notify();

          let dropped = false;
          const context: SmtpDataHookContext = {
            session,
            dropConnection: () => {
              dropped = true;
              socketsByRemotePort.get(session.remotePort)?.destroy();
            },
          };
          try {
            await options.beforeAccept?.(email, context);
          } catch (error) {
            email.accepted = false;
            const reply = Object.assign(new Error(messageOf(error)), {
              responseCode: (error as { responseCode?: number }).responseCode ?? 451,
            });
            return callback(reply);
          }
          if (dropped) {
            email.accepted = false;
            return; // no reply: the connection is gone
          }
          callback(null, `OK: queued as ${messages.length}`);
          if (options.afterAccept) {
            const afterAccept = options.afterAccept;
            setImmediate(() => void Promise.resolve(afterAccept(email, context)).catch(() => undefined));
          }
        })().catch((error: unknown) => callback(new Error(`SMTP sink failed to process DATA: ${messageOf(error)}`)));
      });
    },
  });
  server.on('error', () => undefined); // client resets etc. must not crash the test process

  server.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort;
    if (port === undefined) return;
    socketsByRemotePort.set(port, socket);
    socket.once('close', () => socketsByRemotePort.delete(port));
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, SINK_HOST, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  if (!address || typeof address !== 'object') throw new Error('SMTP sink did not get a port');

  return {
    host: SINK_HOST,
    port: address.port,
    messages,
    waitForMessages(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `SMTP sink: expected ${count} message(s) within ${timeoutMs} ms, got ${messages.length}` +
                (messages.length ? ` (subjects: ${messages.map((m) => JSON.stringify(m.subject)).join(', ')})` : ''),
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        // Pooled/idle clients would otherwise hold the server open for closeTimeout.
        for (const socket of socketsByRemotePort.values()) socket.destroy();
      });
    },
  };
}

function toCapturedEmail(
  raw: Buffer,
  parsed: ParsedMail,
  envelope: CapturedEmail['envelope'],
  authUser: string | undefined,
  auth: { method: string; accessToken: string | undefined } | undefined,
): CapturedEmail {
  const references = parsed.references === undefined ? [] : [parsed.references].flat();
  return {
    envelope,
    authUser,
    authMethod: auth?.method,
    accessToken: auth?.accessToken,
    raw,
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references,
    from: addresses(parsed.from)[0],
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject: parsed.subject,
    text: parsed.text,
    html: parsed.html === false ? undefined : parsed.html,
    headers: parsed.headers,
    parsed,
    accepted: true,
    receivedAt: new Date(),
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): CapturedAddress[] {
  if (field === undefined) return [];
  return [field]
    .flat()
    .flatMap((group) => group.value)
    .flatMap((entry) => (entry.group ? entry.group : [entry]))
    .filter((entry) => entry.address !== undefined)
    .map((entry) => ({ address: entry.address ?? '', name: entry.name }));
}

/** Without `instanceof Error`, which fails for errors from another realm (jest's sandbox). */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
