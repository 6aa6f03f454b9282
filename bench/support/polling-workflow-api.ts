/**
 * `@temporalio/workflow` as a run started before database placement sees it: `patched('database-placement')` is
 * false, every other patch as for a new run. Bundled in place of the SDK's module (bench/support/polling-bundle.ts)
 * so the benchmark can measure the polling path with today's activities, as those older runs execute it.
 */
import { patched as sdkPatched } from '@temporalio/workflow/lib/index';

export * from '@temporalio/workflow/lib/index';

export function patched(patchId: string): boolean {
  return patchId === 'database-placement' ? false : sdkPatched(patchId);
}
