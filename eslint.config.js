// Lint, including the process boundaries: which folder may import what.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'crypto', 'url', 'util', 'stream'];
const nodeOnlyPackages = ['better-sqlite3', 'serialport', '@serialport/*', 'node-thermal-printer', 'ws', 'bwip-js/node'];
const electronOnly = { name: 'electron', message: "Only electron/main* and electron/preload* may import 'electron'." };

const corePatterns = [
  { group: ['react', 'react-dom', 'react-dom/*'], message: 'The core has no UI.' },
  { group: ['**/renderer/**'], message: 'The core never imports renderer code.' },
];
// Imports of another room, from a file one to three folders deep in electron/core.
const into = (names) => names.flatMap((n) => ['../', '../../', '../../../'].map((up) => `${up}${n}/*`));
const room = (names, message) => ({ group: [...into([...names, 'entry']), '../station', '../../station'], message });
const labelsRoom = into(['labels']);
const coreRooms = [
  {
    files: ['electron/core/store/**/*.ts', 'electron/core/labels/**/*.ts'],
    patterns: [room(['sync', 'devices', 'host', 'odoo', 'carriers', 'pack', 'sandbox'], 'store/ and labels/ import nothing above them.')],
  },
  {
    files: ['electron/core/sync/**/*.ts', 'electron/core/host/**/*.ts'],
    patterns: [room(['odoo', 'carriers', 'pack', 'sandbox'], 'sync/ and host/ import nothing above them.')],
  },
  {
    files: ['electron/core/devices/**/*.ts'],
    patterns: [
      room(['odoo', 'carriers', 'pack', 'sandbox'], 'devices/ imports nothing above it.'),
      { group: labelsRoom, message: 'devices/ never imports labels/: the journal gets a label encoder.' },
    ],
  },
  {
    files: ['electron/core/odoo/**/*.ts', 'electron/core/carriers/**/*.ts'],
    patterns: [
      room(['sandbox'], 'Adapters import nothing above them.'),
      { group: [...into(['pack']), '!**/pack/effects'], message: 'Adapters import from pack/ only pack/effects.' },
    ],
  },
  {
    files: ['electron/core/pack/**/*.ts'],
    patterns: [
      room(['sandbox'], 'pack/ imports nothing above it.'),
      { group: labelsRoom, message: 'pack/ never draws a label: it asks the carrier registry.' },
    ],
  },
  {
    files: ['electron/core/*.ts'],
    patterns: [{ group: ['../sandbox/*', '../sandbox/**'], message: 'Only the entry points load the sandbox (with import()).' }],
  },
];

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
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnly], patterns: corePatterns }] },
  },
  // Rooms inside the core (ARCHITECTURE.md, "Inside the core"): a lower room never imports a higher
  // one. test/unit/boundaries.test.ts checks the same rules from test/support/import-rules.ts.
  ...coreRooms.map(({ files, patterns }) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnly], patterns: [...corePatterns, ...patterns] }] },
  })),
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
  {
    // electron-builder's hooks and what they use (build/): CommonJS, loaded with require().
    files: ['build/**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
