/**
 * A workflow bundle of today's workflows in which routing takes the polling path (the story of runs started before
 * database placement): the benchmark runs the same scenario on both paths to compare their cost per email.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

export async function buildPollingBundle(dir: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    webpackConfigHook: (config) => {
      const resolve = (config.resolve ??= {});
      resolve.alias = { ...(resolve.alias as Record<string, string>), '@temporalio/workflow$': require.resolve('./polling-workflow-api') };
      return config;
    },
    logger: {
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: console.error,
      log: () => undefined,
    },
  });
  const file = path.join(dir, 'workflow-bundle-polling.js');
  writeFileSync(file, code);
  return file;
}
