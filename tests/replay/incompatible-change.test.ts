/**
 * Proves the replay suite guards in-flight workflows, on both routing paths: the committed histories replay cleanly
 * against a copy of the workflow code, and fail with nondeterminism against the same copy with one extra activity
 * call at the start of the path they took (a change that would need `patched()`).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { recordedHistories, type RoutingPath } from '../support/histories';

const ROOT = path.resolve(__dirname, '../..');
const copies: string[] = [];

const silent = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  log: () => undefined,
};

/**
 * Where each path's story starts, an extra database call to put before it, and how the replay fails. A regular
 * activity out of place is a nondeterminism error; a local activity out of place takes the recorded result of the
 * one it displaced, so the run fails on that result instead — either way the change cannot ship unnoticed.
 */
const STORIES: Record<RoutingPath, { file: string[]; marker: string; extra: string; failure: RegExp }> = {
  polling: {
    file: ['polling', 'index.ts'],
    marker: '  const claim = await db.claimInteraction(',
    extra: "  await db.recordRoutingEvent({ ...run.ids(), type: 'incompatible' });\n",
    failure: /[Nn]ondetermin/,
  },
  placement: {
    file: ['index.ts'],
    // The first line every placed run runs: an email's routing and an agent's new email alike.
    marker: '  if (input.heldBy !== undefined) return routeHeldFromStart(',
    extra: "  await routing.recordRoutingEvent({ ...run.ids(), type: 'incompatible' });\n",
    failure: /[Nn]ondetermin|Replay failed/,
  },
};

/** Copies the workflow code and what it imports (inside the repository, so node_modules resolve), optionally altered. */
async function bundleCopy(name: string, alter?: RoutingPath): Promise<string> {
  // Not under the test run directory: that may lie outside the checkout (see serverStateDir), where node_modules do not resolve.
  const dir = path.join(ROOT, '.data', 'replay-copies', `${name}-${process.pid}`);
  copies.push(dir);
  mkdirSync(dir, { recursive: true });
  for (const folder of ['workflows', 'contracts', 'domain']) cpSync(path.join(ROOT, folder), path.join(dir, folder), { recursive: true });
  if (alter) {
    const { file, marker, extra } = STORIES[alter];
    const story = path.join(dir, 'workflows', 'route-email', ...file);
    const source = readFileSync(story, 'utf8');
    expect(source).toContain(marker);
    writeFileSync(story, source.replace(marker, `${extra}${marker}`));
  }
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(dir, 'workflows', 'index.ts'), logger: silent });
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  return bundlePath;
}

async function replayAll(bundlePath: string, routingPath: RoutingPath): Promise<Array<{ workflowId: string; error?: string }>> {
  const results: Array<{ workflowId: string; error?: string }> = [];
  const histories = recordedHistories(routingPath).filter(({ workflowId }) => workflowId.startsWith('route-email-'));
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: bundlePath } }, histories as never)) {
    results.push({ workflowId: result.workflowId, ...(result.error ? { error: result.error.message } : {}) });
  }
  return results;
}

describe('the replay suite catches incompatible workflow changes', () => {
  afterAll(() => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['polling', 'placement'] as const)(
    'replays every %s history against an unaltered copy, and fails each one against a copy with an extra activity',
    async (routingPath) => {
      const unaltered = await replayAll(await bundleCopy(`replay-unaltered-${routingPath}`), routingPath);
      expect(unaltered.length).toBeGreaterThan(5);
      expect(unaltered.filter((result) => result.error)).toEqual([]);

      const altered = await replayAll(await bundleCopy(`replay-altered-${routingPath}`, routingPath), routingPath);
      expect(altered).toHaveLength(unaltered.length);
      for (const result of altered) expect(result.error).toMatch(STORIES[routingPath].failure);
    },
  );
});
