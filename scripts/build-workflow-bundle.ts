/**
 * Bundles the workflows the way the worker loads them in production (`WORKFLOW_BUNDLE_PATH`).
 * CI runs it so that a Node built-in or an I/O library imported by workflow code fails the build.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

async function main() {
  const output = process.argv[2] ?? path.resolve(__dirname, '../dist/workflow-bundle.js');
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  mkdirSync(path.dirname(output), { recursive: true });
  writeFileSync(output, code);
  console.log(`workflow bundle: ${output} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
