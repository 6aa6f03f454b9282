/**
 * `npm run demo:mail`: drops a few sample customer emails into the demo mailbox `npm start` runs, so they are
 * ingested and offered to the demo agents. Reads the mailbox's login from <data>/demo/state.json.
 */
import path from 'node:path';
import { appendDemoEmails } from '../../services/demo';
import { readDemoState } from './state';

async function main(): Promise<number> {
  const dataDir = path.resolve(process.env.MAILROUTE_DATA_DIR ?? path.join(__dirname, '..', '..', '.data'));
  const state = readDemoState(dataDir);
  if (!state || state.imapPort === undefined) {
    console.error(`No demo mailbox in ${dataDir}: run \`npm start\` on a platform with no accounts first (it makes the demo).`);
    return 1;
  }
  if (state.status === 'removed') {
    console.error('The demo account was deleted, and its mailbox with it.');
    return 1;
  }
  const port = Number(process.env.MAILROUTE_DEMO_IMAP_PORT || state.imapPort);
  try {
    const appended = await appendDemoEmails(
      { host: '127.0.0.1', port, user: state.mailUser.user, password: state.mailUser.password },
      state.emailAddress,
    );
    console.log(`Dropped ${appended} sample emails into the demo mailbox (${state.emailAddress}).`);
    console.log(`Log in as ${state.agents.map((agent) => `${agent.email} / ${agent.password}`).join(' or ')} to see them offered.`);
    return 0;
  } catch (error) {
    console.error(
      `The demo mailbox at 127.0.0.1:${port} cannot be reached (${error instanceof Error ? error.message : String(error)}): is npm start running?`,
    );
    return 1;
  }
}

void main().then((code) => process.exit(code));
