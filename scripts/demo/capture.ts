/**
 * The demo's SMTP capture: a loopback SMTP server that takes whatever the platform sends (any login, no TLS) and
 * writes each email as an .eml file into <data>/demo/sent/, for the newcomer to read the answer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SmtpCapture {
  port: number;
  dir: string;
  close(): Promise<void>;
}

export async function startSmtpCapture({ port, dir }: { port: number; dir: string }): Promise<SmtpCapture> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // A development dependency: loaded only when the demo runs, so an install without them still starts.
  const { SMTPServer } = await import('smtp-server');
  let count = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'demo' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        count += 1;
        const to = session.envelope.rcptTo.map((recipient) => recipient.address).join(',');
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        const name = `${stamp}-${count}-${to.replace(/[^A-Za-z0-9@.-]/g, '_').slice(0, 80)}.eml`;
        try {
          writeFileSync(path.join(dir, name), Buffer.concat(chunks), { mode: 0o600 });
          callback();
        } catch (error) {
          callback(error as Error);
        }
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client's broken connection must not take `npm start` down.
  server.on('error', () => undefined);
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= new Promise<void>((resolve) => server.close(() => resolve())));
  return { port, dir, close };
}
