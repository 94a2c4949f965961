// Lint, including the process boundaries: which folder may import what.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'crypto', 'url', 'util', 'stream'];
const nodeOnlyPackages = ['better-sqlite3', 'serialport', '@serialport/*', 'node-thermal-printer', 'ws', 'bwip-js/node'];
const electronOnly = { name: 'electron', message: "Only electron/main* and electron/preload* may import 'electron'." };

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-control-regex': 'off',
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            { group: ['react', 'react-dom', 'react-dom/*'], message: 'The core has no UI.' },
            { group: ['**/renderer/**'], message: 'The core never imports renderer code.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            { group: nodeBuiltins, message: 'The renderer is browser code: no Node modules.' },
            { group: nodeOnlyPackages, message: 'The renderer is browser code: no Node packages.' },
            { group: ['**/electron/**'], message: 'The renderer talks to the core only through StationApi.' },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            { group: nodeBuiltins, message: 'shared/ is pure TypeScript.' },
            { group: [...nodeOnlyPackages, 'react', 'react-dom'], message: 'shared/ is pure TypeScript plus zod.' },
            { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing else in the repo.' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnly] }] },
  },
);
