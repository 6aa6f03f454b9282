import { existsSync } from 'node:fs';
import { testEnvironment, testEnvironmentFile } from './test-environment';

// Each jest worker reads what global setup started, so tests see DATABASE_URL and TEMPORAL_ADDRESS.
if (process.env.MAILROUTE_TEST_RUN_DIR && existsSync(testEnvironmentFile())) {
  const environment = testEnvironment();
  process.env.DATABASE_URL = environment.databaseUrl;
  process.env.TEMPORAL_ADDRESS = environment.temporalAddress;
  process.env.MAILROUTE_SECRET_KEY = environment.secretKey;
  process.env.WORKFLOW_BUNDLE_PATH = environment.workflowBundlePath;
}
