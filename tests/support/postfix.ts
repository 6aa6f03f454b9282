/**
 * A throwaway Postfix (Debian's 3.7) for tests: a real MTA that takes SMTP on a loopback port and delivers every
 * recipient of its one domain over LMTP into a mail server (Dovecot or Cyrus), as a provider's mail system would.
 *
 * A private instance (`postfix -c DIR`): main.cf and master.cf of its own, its queue and log inside DIR, no
 * relaying anywhere (any other domain bounces), listening on 127.0.0.1 only. Leftovers of a crashed run are found
 * by the MAIL_CONFIG their master runs with.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import {
  childProcesses,
  readProcessInfo,
  signal,
  stillRunning,
  waitUntilGone,
  type ProcessInfo,
} from '../../scripts/services/dovecot/processes';
import { freePort, isPortOpen, waitFor } from '../../scripts/services/process-tools';

export interface PostfixHandle {
  host: string;
  smtpPort: number;
  configDir: string;
  /** Mail for `<user>@<domain>` is delivered to mail user `<user>`. */
  domain: string;
}

const HOST = '127.0.0.1';
const POSTFIX = '/usr/sbin/postfix';

export class PostfixNotInstalledError extends Error {
  constructor() {
    super(`Postfix is not installed (${POSTFIX} is missing): run scripts/install-tools.sh --test.`);
  }
}

function renderMainCf(configDir: string, domain: string, lmtp: { host: string; port: number }): string {
  return `# Generated for a throwaway test instance (tests/support/postfix.ts).
compatibility_level = 3.6
config_directory = ${configDir}
queue_directory = ${configDir}/queue
data_directory = ${configDir}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.${domain}
mydomain = ${domain}
myorigin = $myhostname
mydestination = ${domain}
inet_interfaces = ${HOST}
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
# Every local part of the domain is delivered, over LMTP, to the mail server's user of that name.
local_recipient_maps =
alias_maps =
alias_database =
local_transport = lmtp:inet:${lmtp.host}:${lmtp.port}
# Nothing leaves this machine.
relay_transport = error:the test MTA relays nothing
default_transport = error:the test MTA relays nothing
smtpd_banner = $myhostname ESMTP
smtputf8_enable = no
biff = no
maillog_file = ${configDir}/maillog
maillog_file_prefixes = ${configDir}
`;
}

function renderMasterCf(port: number): string {
  const services = [
    `${HOST}:${port} inet n - n - - smtpd`,
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'smtp unix - - n - - smtp',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'lmtp unix - - n - - lmtp',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
  ];
  return `# Generated for a throwaway test instance (tests/support/postfix.ts).\n${services.join('\n')}\n`;
}

/** Starts a private Postfix in `baseDir` delivering `@domain` mail to the LMTP server given. */
export async function startPostfix(options: {
  baseDir: string;
  lmtp: { host: string; port: number };
  domain?: string;
}): Promise<PostfixHandle> {
  if (!existsSync(POSTFIX)) throw new PostfixNotInstalledError();
  const configDir = path.resolve(options.baseDir);
  const domain = options.domain ?? 'mail.test';
  await stopPostfix({ configDir });
  for (const dir of [configDir, path.join(configDir, 'queue'), path.join(configDir, 'data')]) {
    await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  }
  await fs.writeFile(path.join(configDir, 'main.cf'), renderMainCf(configDir, domain, options.lmtp), { mode: 0o644 });
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const handle: PostfixHandle = { host: HOST, smtpPort: await freePort(), configDir, domain };
    await fs.writeFile(path.join(configDir, 'master.cf'), renderMasterCf(handle.smtpPort), { mode: 0o644 });
    try {
      // The queue's directories, owned as Postfix wants them (postdrop, postfix), then the master.
      await postfix(configDir, 'set-permissions');
      await postfix(configDir, 'start');
      await waitFor(`Postfix SMTP on ${HOST}:${handle.smtpPort}`, () => isPortOpen(handle.smtpPort, HOST), {
        timeoutMs: 20_000,
        intervalMs: 50,
      });
      return handle;
    } catch (error) {
      lastError = new Error(`${(error as Error).message}\n--- maillog ---\n${await postfixLog(handle)}`);
      await stopPostfix(handle);
      if (!/address already in use|bind/i.test(String(lastError))) break;
    }
  }
  throw lastError;
}

/** Stops the instance (its master and every Postfix process it started); no-op when none runs. */
export async function stopPostfix(handle: Pick<PostfixHandle, 'configDir'>): Promise<void> {
  const configDir = path.resolve(handle.configDir);
  await Promise.all((await mastersWithConfig((dir) => dir === configDir)).map(terminate));
}

/** Every Postfix master whose configuration lies under `dir` (a crashed run's leftovers). */
export async function stopPostfixUnder(dir: string): Promise<void> {
  const prefix = `${path.resolve(dir)}/`;
  await Promise.all((await mastersWithConfig((configDir) => configDir.startsWith(prefix))).map(terminate));
}

/** The instance's log (what it received, where it delivered, why it refused). */
export async function postfixLog(handle: Pick<PostfixHandle, 'configDir'>, lines = 40): Promise<string> {
  const text = await fs.readFile(path.join(handle.configDir, 'maillog'), 'utf8').catch(() => '(no maillog)');
  return text.split('\n').slice(-lines).join('\n');
}

async function mastersWithConfig(matches: (configDir: string) => boolean): Promise<ProcessInfo[]> {
  const found: ProcessInfo[] = [];
  for (const entry of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const argv0 = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0')[0];
    if (argv0 !== '/usr/lib/postfix/sbin/master') continue;
    const environment = (await fs.readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '')).split('\0');
    const configDir = environment.find((variable) => variable.startsWith('MAIL_CONFIG='))?.slice('MAIL_CONFIG='.length);
    const info = await readProcessInfo(Number(entry));
    if (configDir && matches(path.resolve(configDir)) && info && info.state !== 'Z') found.push(info);
  }
  return found;
}

async function terminate(master: ProcessInfo): Promise<void> {
  const children = await childProcesses(master.pid);
  // SIGTERM to the master passes it on to its children (an emergency stop: nothing here needs a clean queue).
  signal(master.pid, 'SIGTERM');
  await waitUntilGone([master, ...children], 5_000);
  for (const proc of await stillRunning([master, ...children])) signal(proc.pid, 'SIGKILL');
  await waitUntilGone([master, ...children], 5_000);
}

function postfix(configDir: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(POSTFIX, ['-c', configDir, command], { encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`postfix -c ${configDir} ${command}: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}
