/**
 * What `npm start` remembers of its demo (under <data>/demo/state.json, owner-only): the demo account, its mailbox's
 * login, its agents' logins and ports; or that the demo account was deleted, so the demo never comes back.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DemoLogin {
  name: string;
  email: string;
  password: string;
}

export interface DemoState {
  /**
   * `removed`: the demo account was deleted; `not-needed`: the platform had accounts when the demo would have been
   * made. Either way its servers stay stopped on every later start.
   */
  status: 'active' | 'removed' | 'not-needed';
  accountId?: number;
  emailAddress: string;
  mailUser: { user: string; password: string };
  agents: DemoLogin[];
  imapPort?: number;
  smtpPort?: number;
}

export function demoDir(dataDir: string): string {
  return path.join(dataDir, 'demo');
}

function stateFile(dataDir: string): string {
  return path.join(demoDir(dataDir), 'state.json');
}

export function readDemoState(dataDir: string): DemoState | undefined {
  const file = stateFile(dataDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as DemoState;
}

export function writeDemoState(dataDir: string, state: DemoState): void {
  const file = stateFile(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
