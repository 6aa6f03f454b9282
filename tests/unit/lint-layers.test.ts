/**
 * The house rule holds because lint enforces it: each deliberate violation below fails `npm run lint` with the
 * layers rule, and the allowed imports beside them pass. The fixtures are linted as if they sat in the folder named.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/**
 * ESLint loads its (ESM) config with a dynamic import, which jest's module sandbox cannot do: the fixtures are
 * linted by ESLint's own API in a child process, with the repository's config and only the layers rule (the
 * type-aware rules need the file on disk in the TypeScript project).
 */
const LINT_FIXTURES = `
import { ESLint } from 'eslint';
const fixtures = JSON.parse(process.argv[1]);
const eslint = new ESLint({
  cwd: process.cwd(),
  ruleFilter: ({ ruleId }) => ruleId === 'mailroute/layers',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});
const answers = [];
for (const { file, code } of fixtures) {
  const [result] = await eslint.lintText(code, { filePath: file });
  answers.push((result?.messages ?? []).map((message) => message.message));
}
process.stdout.write(JSON.stringify(answers));
`;

function lintAll(fixtures: Array<[string, string, string, ...unknown[]]>): Map<string, string[]> {
  const input = fixtures.map(([, file, code]) => ({ file: path.join(ROOT, file), code }));
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', LINT_FIXTURES, JSON.stringify(input)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const answers = JSON.parse(output) as string[][];
  return new Map(fixtures.map(([what], index) => [what, answers[index]!]));
}

const refused: Array<[string, string, string, RegExp]> = [
  [
    'a workflow importing a Node built-in',
    'workflows/route-email/bad.ts',
    "import { readFileSync } from 'node:fs';\n",
    /no Node built-ins/,
  ],
  [
    'a workflow importing Prisma',
    'workflows/bad.ts',
    "import { PrismaClient } from '../generated/prisma/client';\n",
    /only store\/ talks to Prisma/,
  ],
  ['a workflow importing the store', 'workflows/bad.ts', "import { readBlob } from '../store/blobs';\n", /workflows\/ imports only from/],
  [
    'a workflow calling an activity module directly',
    'workflows/bad.ts',
    "import { createSmtpActivities } from '../activities/smtp';\n",
    /imports only from/,
  ],
  [
    'a route importing the Prisma client',
    'api/routes/bad.ts',
    "import { PrismaClient } from '../../generated/prisma/client';\n",
    /only store\/ talks to Prisma/,
  ],
  [
    'a route opening the Prisma client',
    'api/routes/bad.ts',
    "import { createDatabase } from '../../store/db';\n",
    /Prisma client stays in store/,
  ],
  ['domain/ importing an I/O library', 'domain/bad.ts', "import { ImapFlow } from 'imapflow';\n", /domain\/ uses only zod/],
  ['domain/ importing a Node built-in', 'domain/bad.ts', "import { createHash } from 'node:crypto';\n", /no Node built-ins/],
  ['domain/ importing the store', 'domain/bad.ts', "import { readBlob } from '../store/blobs';\n", /domain\/ imports only from domain/],
  [
    'contracts/ importing the Temporal client',
    'contracts/bad.ts',
    "import { Client } from '@temporalio/client';\n",
    /contracts\/ uses only/,
  ],
  [
    'the store importing a service',
    'store/bad.ts',
    "import { startRouting } from '../services/start-routing';\n",
    /store\/ imports only from/,
  ],
];
const allowed: Array<[string, string, string]> = [
  [
    'a workflow importing contracts, domain and activity types',
    'workflows/good.ts',
    "import { condition } from '@temporalio/workflow';\nimport { routingWorkflowId } from '../contracts/route-email';\nimport { findStepIndex } from '../domain/action-plan';\nimport type { createSmtpActivities } from '../activities/smtp';\n",
  ],
  [
    'a route importing a service and the store',
    'api/routes/good.ts',
    "import { startRoutingWorkflow } from '../../services/start-routing';\nimport type { Database } from '../../store/blobs';\n",
  ],
  ['domain/ importing zod', 'domain/good.ts', "import { z } from 'zod';\n"],
  ['the store importing Prisma', 'store/good.ts', "import { PrismaClient } from '../generated/prisma/client';\n"],
];

describe('npm run lint refuses imports that point up the layers', () => {
  let problems: Map<string, string[]>;
  beforeAll(() => {
    problems = lintAll([...refused, ...allowed]);
  });

  it.each(refused)('refuses %s', (what, _file, _code, expected) => {
    expect(problems.get(what)).toEqual([expect.stringMatching(expected)]);
  });

  it.each(allowed)('allows %s', (what) => {
    expect(problems.get(what)).toEqual([]);
  });
});
