/**
 * The demo `npm start` runs on a platform with no accounts: a local Dovecot mailbox (IMAP, state under
 * <data>/demo/), an SMTP capture writing what the platform sends to <data>/demo/sent/, and a demo account wired to
 * both with a queue, a plan and two agents. A restart reuses them. Deleting the demo account stops the servers and
 * <data>/demo/state.json remembers it, so they never come back; so does a first start on a platform that already
 * had accounts (no demo needed). MAILROUTE_DEMO=off leaves the demo out.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { addMailUser, DovecotNotInstalledError, startDovecot, stopDovecot } from '../services/dovecot';
import { freePort, isPortOpen, serverStateDir } from '../services/process-tools';
import { adminApi, createDemoAccount, demoAccountExists, hasNoAccounts, updateDemoAccount } from './account';
import { startSmtpCapture } from './capture';
import { demoDir, readDemoState, writeDemoState, type DemoState } from './state';

export const DEMO_IMAP_PORT = 1143;
export const DEMO_SMTP_PORT = 2525;

export interface PortSetting {
  what: string;
  env: string;
  port: number;
  /** The default it would have used, when that was taken. */
  movedFrom?: number;
}

export interface DemoRun {
  state: DemoState;
  ports: PortSetting[];
  sentDir: string;
}

export interface DemoOptions {
  dataDir: string;
  log: (line: string) => void;
  /** Registers how to stop a server started here (stopped with the rest of `npm start`). */
  started: (what: string, stop: () => Promise<void>) => void;
}

export interface DemoApiOptions {
  dataDir: string;
  log: (line: string) => void;
  apiUrl: string;
  admin: { email: string; password: string };
}

function newState(): DemoState {
  const password = () => `demo-${randomBytes(6).toString('base64url')}`;
  return {
    status: 'active',
    emailAddress: 'support@demo-shop.test',
    mailUser: { user: 'support', password: randomBytes(12).toString('base64url') },
    agents: [
      { name: 'Dana Demo', email: 'dana@demo-shop.test', password: password() },
      { name: 'Sam Demo', email: 'sam@demo-shop.test', password: password() },
    ],
  };
}

/** The port set in `env`, else the previous run's or the default when free, else any free one. */
async function choosePort(what: string, env: string, previous: number | undefined, fallback: number): Promise<PortSetting> {
  const value = process.env[env];
  if (value) {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${env} must be a TCP port (1-65535), not "${value}"`);
    return { what, env, port };
  }
  for (const candidate of [previous, fallback]) {
    if (candidate !== undefined && !(await isPortOpen(candidate))) return { what, env, port: candidate };
  }
  return { what, env, port: await freePort(), movedFrom: fallback };
}

function dovecotMissing(error: unknown): string | undefined {
  if (error instanceof DovecotNotInstalledError || (error as { name?: unknown })?.name === 'DovecotNotInstalledError') {
    return 'Dovecot is not installed: install it (Debian/Ubuntu: apt-get install -y dovecot-imapd, or scripts/install-tools.sh --test) and start again';
  }
  if (/must be started as root/.test(String((error as { message?: unknown })?.message))) {
    return 'the demo mailbox runs Dovecot, which needs npm start to run as root';
  }
  return undefined;
}

/** The demo's servers, up before the platform so its worker finds the mailbox, and stopped after it. */
export interface DemoServers {
  state: DemoState;
  ports: PortSetting[];
  sentDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the demo mailbox and SMTP capture unless the demo is off, was deleted, or was not needed (the platform had
 * accounts on its first start); undefined (and a line saying why, when it matters) otherwise.
 */
export async function startDemoServers(options: DemoOptions): Promise<DemoServers | undefined> {
  const { dataDir, log } = options;
  if (['off', '0', 'false', 'no'].includes((process.env.MAILROUTE_DEMO ?? '').toLowerCase())) return undefined;
  const remembered = readDemoState(dataDir);
  if (remembered?.status === 'removed') {
    log(`no demo: its account was deleted (remove ${path.join(demoDir(dataDir), 'state.json')} to have it again on an empty platform)`);
    return undefined;
  }
  if (remembered?.status === 'not-needed') return undefined;
  const state = remembered ?? newState();

  // Dovecot's own users (mail, dovenull) pass through to the mailbox; nothing here is listed or read by others.
  const dir = demoDir(dataDir);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o711);
  const imap = await choosePort('demo IMAP', 'MAILROUTE_DEMO_IMAP_PORT', state.imapPort, DEMO_IMAP_PORT);
  const smtp = await choosePort('demo SMTP capture', 'MAILROUTE_DEMO_SMTP_PORT', state.smtpPort, DEMO_SMTP_PORT);
  let dovecot;
  try {
    dovecot = await startDovecot({ baseDir: serverStateDir(path.join(dir, 'dovecot')), port: imap.port });
  } catch (error) {
    const missing = dovecotMissing(error);
    if (!missing) throw error;
    log(`no demo mailbox: ${missing}`);
    return undefined;
  }
  const mailbox = dovecot;
  let mailboxStopped: Promise<void> | undefined;
  const stopMailbox = () =>
    (mailboxStopped ??= (async () => {
      log('stopping the demo mailbox');
      await stopDovecot(mailbox);
    })());
  options.started('the demo mailbox (Dovecot)', stopMailbox);
  await addMailUser(dovecot, state.mailUser);
  const sentDir = path.join(dir, 'sent');
  const capture = await startSmtpCapture({ port: smtp.port, dir: sentDir });
  options.started('the demo SMTP capture', () => capture.close());
  const stop = async () => {
    await capture.close();
    await stopMailbox();
  };
  return { state, ports: [imap, smtp], sentDir, stop };
}

/**
 * Once the API answers: makes the demo account (only on a platform with no accounts), or finds it again, and
 * watches it. Answers the running demo, or undefined when its servers were stopped for good.
 */
export async function wireDemoAccount(servers: DemoServers, options: DemoApiOptions): Promise<DemoRun | undefined> {
  const { dataDir, log } = options;
  const { state } = servers;
  const api = adminApi(options.apiUrl, options.admin.email, options.admin.password);
  const [imap, smtp] = servers.ports.map((setting) => setting.port) as [number, number];
  if (state.accountId === undefined) {
    if (!(await hasNoAccounts(api))) {
      writeDemoState(dataDir, { ...state, status: 'not-needed' });
      await servers.stop();
      return undefined;
    }
    log('making the demo account, its queue, its action plan and two agents');
    state.accountId = await createDemoAccount(api, state, { imapPort: imap, smtpPort: smtp });
  } else if (!(await demoAccountExists(api, state.accountId))) {
    writeDemoState(dataDir, { ...state, status: 'removed' });
    log('no demo: its account was deleted, so its mailbox stays off');
    await servers.stop();
    return undefined;
  } else if (state.imapPort !== imap || state.smtpPort !== smtp) {
    await updateDemoAccount(api, state.accountId, { imapPort: imap, smtpPort: smtp });
  }
  Object.assign(state, { imapPort: imap, smtpPort: smtp });
  writeDemoState(dataDir, state);
  watchForDeletion(options, state, servers.stop);
  return { state, ports: servers.ports, sentDir: servers.sentDir };
}

/** Deleting the demo account stops its servers, for good (remembered in state.json before they stop). */
function watchForDeletion(options: DemoApiOptions, state: DemoState, stopServers: () => Promise<void>): void {
  const api = adminApi(options.apiUrl, options.admin.email, options.admin.password);
  const timer = setInterval(() => {
    void (async () => {
      if (await demoAccountExists(api, state.accountId!)) return;
      clearInterval(timer);
      writeDemoState(options.dataDir, { ...state, status: 'removed' });
      options.log('the demo account was deleted: stopping its mailbox and SMTP capture for good');
      await stopServers();
    })().catch(() => undefined);
  }, 2_000);
  timer.unref();
}
