// @ts-check
/**
 * The house rule, as a lint rule: every import points down the layers (docs/architecture.md).
 *
 *   domain      pure and sandbox-safe: imports only domain/ and zod
 *   contracts   workflow ids, inputs and messages: domain/ and the Temporal workflow/common SDKs
 *   workflows   deterministic: contracts/, domain/, the workflow SDK; activities only as types
 *   platform    config, logging, secrets, mail sessions: any package, no application layer but domain/contracts
 *   store       the only code that imports the Prisma client
 *   services    use cases shared by the API and the activities
 *   activities  grouped by the dependency they touch
 *   api         routes by resource
 *
 * Node built-ins are refused in domain/, contracts/ and workflows/ (the workflow sandbox has none).
 */
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.dirname(new URL(import.meta.url).pathname);
const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** Folders of application code and the folders each may import from. */
const LAYERS = {
  domain: { may: ['domain'], packages: ['zod'] },
  contracts: { may: ['domain', 'contracts'], packages: ['@temporalio/workflow', '@temporalio/common'] },
  workflows: {
    may: ['domain', 'contracts', 'workflows'],
    typesOnly: ['activities'],
    packages: ['@temporalio/workflow', '@temporalio/common'],
  },
  platform: { may: ['domain', 'contracts', 'platform'] },
  store: { may: ['domain', 'platform', 'store'] },
  services: { may: ['domain', 'contracts', 'workflows', 'platform', 'store', 'services'] },
  activities: { may: ['domain', 'contracts', 'platform', 'store', 'services', 'activities'] },
  api: { may: ['domain', 'contracts', 'platform', 'store', 'services', 'api'] },
  web: { may: ['domain', 'web'], typesOnly: ['contracts', 'api'] },
};

/** Only store/ (and the migration tooling beside the schema) reaches PostgreSQL through Prisma. */
const PRISMA = /^@prisma\/|(^|\/)generated\/prisma(\/|$)/;
const PRISMA_ALLOWED = new Set(['store', 'prisma']);
/** The Prisma client itself (store/db.ts) is opened by the composition roots and handed to repositories only. */
const PRISMA_CLIENT = path.join('store', 'db');
const COMPOSITION_ROOTS = new Set(['worker.ts', path.join('api', 'server.ts')]);

function layerOf(file) {
  const relative = path.relative(ROOT, file);
  if (relative.startsWith('..')) return undefined;
  const [first, second] = relative.split(path.sep);
  // The web client's own code is web/src; web/vite.config.mts is build tooling.
  if (first === 'web' && second !== 'src') return undefined;
  return first;
}

function packageName(source) {
  const parts = source.split('/');
  return source.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** @type {import('eslint').Rule.RuleModule} */
const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports point down the layers of the house (docs/architecture.md)' },
    schema: [],
  },
  create(context) {
    const fromLayer = layerOf(context.filename);
    const rules = fromLayer ? LAYERS[fromLayer] : undefined;
    function check(node, source, typeOnly) {
      if (typeof source !== 'string') return;
      const report = (message) => context.report({ node, message: `${fromLayer}/ may not import ${source}: ${message}` });
      if (source.startsWith('.')) {
        const target = layerOf(path.resolve(path.dirname(context.filename), source));
        if (
          target &&
          PRISMA.test(path.relative(ROOT, path.resolve(path.dirname(context.filename), source))) &&
          !PRISMA_ALLOWED.has(fromLayer ?? '')
        ) {
          return report('only store/ talks to Prisma');
        }
        const resolved = path.relative(ROOT, path.resolve(path.dirname(context.filename), source)).replace(/\.ts$/, '');
        if (resolved === PRISMA_CLIENT && rules && fromLayer !== 'store' && !COMPOSITION_ROOTS.has(path.relative(ROOT, context.filename))) {
          return report('the Prisma client stays in store/: call a repository');
        }
        if (!rules || !target || !(target in LAYERS)) return;
        if (rules.may.includes(target)) return;
        if (typeOnly && rules.typesOnly?.includes(target)) return;
        return report(
          `${fromLayer}/ imports only from ${[...rules.may, ...(rules.typesOnly ?? []).map((layer) => `${layer} (types)`)].join(', ')}`,
        );
      }
      if (PRISMA.test(source) && !PRISMA_ALLOWED.has(fromLayer ?? '')) return report('only store/ talks to Prisma');
      if (!rules) return;
      if (NODE_BUILTINS.has(source) && ['domain', 'contracts', 'workflows', 'web'].includes(fromLayer)) {
        return report('no Node built-ins here (pure, sandbox-safe code)');
      }
      if (rules.packages && !typeOnly && !rules.packages.includes(packageName(source))) {
        return report(`${fromLayer}/ uses only ${rules.packages.join(', ')}`);
      }
    }
    return {
      ImportDeclaration(node) {
        const typeOnly =
          node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'));
        check(node, node.source.value, typeOnly);
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value, node.exportKind === 'type');
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value, node.exportKind === 'type');
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node, node.source.value, false);
      },
      CallExpression(node) {
        const callee = node.callee;
        const isRequire =
          (callee.type === 'Identifier' && callee.name === 'require') ||
          (callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'require');
        const first = node.arguments[0];
        if (isRequire && first && first.type === 'Literal') check(node, first.value, false);
      },
    };
  },
};

export const mailroutePlugin = { rules: { layers: layersRule } };
