// Lint: typescript-eslint (type-aware) for main, preload, tests and scripts; the Vue plugin for the renderer.
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './scripts/lint-layers.js';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'test-results/**', 'playwright-report/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // An empty block must at least say in a comment why ignoring the error is safe.
      'no-empty': 'error',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    // The folders' arrows run one way (media → net, vms → media/net, ...): scripts/lint-layers.js has the table.
    files: ['**/*.{ts,js,mjs,vue}'],
    plugins: { tessera: layersPlugin },
    rules: { 'tessera/layers': 'error' },
  },
  {
    // The contract is a shared leaf: nothing from electron, node, vue or the app may leak in.
    files: ['preload/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['electron', 'node:*', 'vue', 'pinia', '../../main/*', '../../renderer/*', 'fs', 'path'] }],
    },
  },
  {
    // Shared pure modules (common/) run in main and in the renderer: no Node, no DOM, no app code.
    files: ['common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['electron', 'node:*', 'vue', 'pinia', '../../main/*', '../../renderer/*', '../../preload/*', 'fs', 'path'] }],
      'no-restricted-globals': ['error', 'Buffer', 'window', 'document', 'process'],
    },
  },
  {
    // The renderer talks to main only through src/bridge.
    files: ['renderer/src/**/*.{ts,vue}'],
    ignores: ['renderer/src/bridge/**'],
    rules: {
      'no-restricted-globals': ['error', { name: 'WebSocket', message: 'Only renderer/src/bridge talks to main.' }],
    },
  },
  {
    // The player is plain classes over injected parts: no Vue, no stores, no bridge (wall/ binds them).
    files: ['renderer/src/player/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['vue', 'pinia', '../bridge/*', '../stores/*', '../components/*', '../views/*', '../wall/*'] }],
    },
  },
  {
    // The bridge sits below everything in the renderer: what it shares with the player lives in the contract.
    files: ['renderer/src/bridge/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../player/*', '../stores/*', '../components/*', '../views/*', '../wall/*', '../domain/*'] }],
    },
  },
);
