/**
 * Logs: a real worker process writes one format for its own lines and the Temporal SDK's (JSON lines, or readable
 * lines with LOG_FORMAT=pretty), its health server says what its workers and database are doing, and no secret or
 * task token is ever written, in either format.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { chooseLogFormat, createLogger, temporalLogger, type LogFormat } from '../../platform/logger';
import { freePort, waitFor } from '../../scripts/services/process-tools';
import { TEST_OUTBOUND_ALLOW, testEnvironment } from '../support/test-environment';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../..');

interface WorkerRun {
  stdout: string;
  stderr: string;
  health: { status: number; body: any };
}

/** Starts worker.ts with LOG_FORMAT=format, reads its health once it answers 200, stops it, and returns what it wrote. */
async function runWorker(format: LogFormat): Promise<WorkerRun> {
  const environment = testEnvironment();
  const healthPort = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: environment.databaseUrl,
      TEMPORAL_ADDRESS: environment.temporalAddress,
      TEMPORAL_TASK_QUEUE: `logs-${randomBytes(6).toString('hex')}`,
      WORKFLOW_BUNDLE_PATH: environment.workflowBundlePath,
      MAILROUTE_SECRET_KEY: environment.secretKey,
      MAILROUTE_OUTBOUND_ALLOW: TEST_OUTBOUND_ALLOW,
      HEALTH_PORT: String(healthPort),
      LOG_LEVEL: 'info',
      LOG_FORMAT: format,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    let health: WorkerRun['health'] | undefined;
    await waitFor(
      'the worker to report ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}:\n${stdout}${stderr}`);
        const response = await fetch(`http://127.0.0.1:${healthPort}/health`);
        health = { status: response.status, body: await response.json() };
        return response.ok;
      },
      { timeoutMs: 90_000, intervalMs: 200, explain: () => `${stdout}${stderr}` },
    );
    // The SDK says its workers are running just after they are: let that line arrive.
    await waitFor('the SDK to log its workers running', async () => stdout.includes('Worker state changed'), {
      timeoutMs: 10_000,
      intervalMs: 100,
      explain: () => `${stdout}${stderr}`,
    }).catch(() => undefined);
    return { stdout, stderr, health: health! };
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

test('with LOG_FORMAT=json the worker and the Temporal SDK write JSON lines only, and its health names workers and database', async () => {
  const { stdout, stderr, health } = await runWorker('json');
  const entries = lines(stdout).map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`not a JSON line: ${line}`);
    }
  });
  expect(entries.find((entry) => entry.msg === 'worker running')).toMatchObject({ name: 'mailroute-worker', level: 30 });
  // The SDK's own line, through our logger rather than its DefaultLogger on stderr.
  expect(entries.find((entry) => entry.msg === 'Worker state changed')).toMatchObject({
    name: 'mailroute-worker',
    component: 'temporal:worker',
    state: 'RUNNING',
  });
  expect(stderr).not.toMatch(/\[(INFO|WARN)\]/);

  expect(health.status).toBe(200);
  expect(health.body.status).toBe('ready');
  expect(health.body.checks.database).toEqual({ status: 'ok' });
  expect(health.body.checks.workers.status).toBe('ok');
  const states = Object.values(health.body.checks.workers.states as Record<string, string>);
  expect(states).toEqual(['RUNNING', 'RUNNING']);
});

test('with LOG_FORMAT=pretty every line reads time, level, component and message, the SDK’s too', async () => {
  const { stdout } = await runWorker('pretty');
  const head = /^\d\d:\d\d:\d\d\.\d{3} (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) mailroute-worker /;
  for (const line of lines(stdout).filter((line) => !line.startsWith('    '))) expect(line).toMatch(head);
  expect(stdout).toMatch(/ INFO {2}mailroute-worker worker running taskQueue=logs-\w+/);
  expect(stdout).toMatch(/ INFO {2}mailroute-worker temporal:worker Worker state changed .*state=RUNNING/);
  expect(stdout).not.toContain('{"level"');
});

test('the format is pretty in a terminal and JSON elsewhere, unless LOG_FORMAT says which', () => {
  expect(chooseLogFormat(undefined, true)).toBe('pretty');
  expect(chooseLogFormat(undefined, false)).toBe('json');
  expect(chooseLogFormat('json', true)).toBe('json');
  expect(chooseLogFormat('pretty', false)).toBe('pretty');
});

describe('no secret or task token is written', () => {
  const secrets = {
    password: 'pw-Secret-1',
    imapPassword: 'imap-Secret-2',
    smtpPassword: 'smtp-Secret-3',
    authorization: 'Bearer header-Secret-4',
    cookie: 'mailroute_session=cookie-Secret-5',
    setCookie: 'mailroute_session=cookie-Secret-6; HttpOnly',
    refreshToken: 'refresh-Secret-7',
    clientSecret: 'client-Secret-8',
    accessToken: 'access-Secret-9',
    taskToken: 'task-Secret-10',
    token: 'mr_token-Secret-11',
  };

  for (const format of ['json', 'pretty'] as const) {
    test(`in ${format}: passwords, tokens, authorization headers, cookies, refresh tokens and task tokens are censored`, () => {
      let output = '';
      const logger = createLogger({ level: 'trace', format, destination: { write: (line: string) => void (output += line) } });
      logger.info({ password: secrets.password, user: 'ada@example.com' }, 'login');
      logger.info({ account: { key: 'ACME', imapPassword: secrets.imapPassword, smtpPassword: secrets.smtpPassword } }, 'account saved');
      logger.info(
        {
          req: { method: 'GET', headers: { authorization: secrets.authorization, cookie: secrets.cookie } },
          res: { headers: { 'set-cookie': secrets.setCookie } },
        },
        'request',
      );
      logger.warn(
        { account: { oauth2: { refreshToken: secrets.refreshToken, clientSecret: secrets.clientSecret } } },
        'token refresh failed',
      );
      logger.child({ accountId: 7 }).debug({ tokens: { accessToken: secrets.accessToken } }, 'tokens');
      logger.info({ token: secrets.token }, 'token issued');
      logger.info({ accounts: [{ key: 'B', password: secrets.password }] }, 'accounts');
      // The SDK's activity logger passes activity info along: its task token must not come out.
      temporalLogger(logger).warn('Activity failed', { sdkComponent: 'activity', activityId: '3', taskToken: secrets.taskToken });
      temporalLogger(logger).info('Activity completed', { sdkComponent: 'activity', info: { taskToken: secrets.taskToken } });

      for (const secret of Object.values(secrets)) expect(output).not.toContain(secret.replace(/^\w+=/, ''));
      for (const secret of Object.values(secrets)) expect(output).not.toContain(secret.split('-').slice(1).join('-'));
      // What is not secret is still there, so the lines were written at all.
      for (const visible of ['ada@example.com', 'ACME', 'GET', 'token refresh failed', 'accountId', 'Activity failed', 'temporal:activity'])
        expect(output).toContain(visible);
      expect(output.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(Object.keys(secrets).length);
    });
  }
});
