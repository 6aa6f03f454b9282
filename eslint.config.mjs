// @ts-check
import tseslint from 'typescript-eslint';
import { mailroutePlugin } from './eslint-layers.mjs';

export default tseslint.config(
  { ignores: ['node_modules/', 'generated/', '.data/', 'dist/', 'coverage/', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { mailroute: mailroutePlugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Every import points down the layers of the house: see eslint-layers.mjs and docs/architecture.md.
      'mailroute/layers': 'error',
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
