/**
 * Proves the replay suite guards in-flight workflows: the committed histories replay cleanly against a copy of
 * the workflow code, and fail with nondeterminism against the same copy with one extra activity call at the
 * start of routing (a change that would need `patched()`).
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from '../support/histories';

const ROOT = path.resolve(__dirname, '../..');

const routingHistories = readdirSync(HISTORIES_DIR)
  .filter((file) => file.startsWith('route-email-') && file.endsWith('.json'))
  .sort()
  .map((file) => ({ workflowId: path.basename(file, '.json'), history: JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) }));

const silent = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  log: () => undefined,
};

/** Copies the workflow code and what it imports (inside the repository, so node_modules resolve), optionally altered. */
async function bundleCopy(name: string, alter: (routeEmailSource: string) => string): Promise<string> {
  // Not under the test run directory: that may lie outside the checkout (see serverStateDir), where node_modules do not resolve.
  const dir = path.join(ROOT, '.data', 'replay-copies', `${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  for (const folder of ['workflows', 'contracts', 'domain']) cpSync(path.join(ROOT, folder), path.join(dir, folder), { recursive: true });
  const routeEmail = path.join(dir, 'workflows', 'route-email', 'polling', 'index.ts');
  writeFileSync(routeEmail, alter(readFileSync(routeEmail, 'utf8')));
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(dir, 'workflows', 'index.ts'), logger: silent });
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  return bundlePath;
}

async function replayAll(bundlePath: string): Promise<Array<{ workflowId: string; error?: string }>> {
  const results: Array<{ workflowId: string; error?: string }> = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: bundlePath } }, routingHistories)) {
    results.push({ workflowId: result.workflowId, ...(result.error ? { error: result.error.message } : {}) });
  }
  return results;
}

describe('the replay suite catches incompatible workflow changes', () => {
  afterAll(() => {
    for (const name of ['replay-unaltered', 'replay-altered'])
      rmSync(path.join(ROOT, '.data', 'replay-copies', `${name}-${process.pid}`), { recursive: true, force: true });
  });

  it('replays every routing history against an unaltered copy, and fails each one against a copy with an extra activity', async () => {
    expect(routingHistories.length).toBeGreaterThan(5);
    const unaltered = await replayAll(await bundleCopy('replay-unaltered', (source) => source));
    expect(unaltered.filter((result) => result.error)).toEqual([]);
    expect(unaltered).toHaveLength(routingHistories.length);

    const marker = '  const claim = await db.claimInteraction(';
    const altered = await replayAll(
      await bundleCopy('replay-altered', (source) => {
        expect(source).toContain(marker);
        return source.replace(marker, `  await db.recordRoutingEvent({ ...run.ids(), type: 'incompatible' });\n${marker}`);
      }),
    );
    expect(altered).toHaveLength(routingHistories.length);
    for (const result of altered) {
      expect(result.error).toMatch(/[Nn]ondetermin/);
    }
  });
});
