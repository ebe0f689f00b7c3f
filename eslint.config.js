import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import nx from '@nx/eslint-plugin';
import jsoncParser from 'jsonc-eslint-parser';

// apps/web: Vue single-file components with <script setup lang="ts">. Layout rules are off because
// prettier formats .vue files; no-undef is off because vue-tsc checks names (as typescript-eslint
// does for .ts files).
// What is published (the plugin and the engines) imports only engines and packages its own package.json
// declares: never an app, the local servers or test-only code. Their tests may use anything.
const publishedSources = [
  'tools/{src,executors,generators}/**/*.ts',
  'libs/{migrate,backup,postgres,smoke,cli,canary}/src/**/*.ts',
];
const testOnly = ['**/*.test.ts', '**/testing/**', 'tools/executors/docker-build/fake-engine.ts'];
const publishedManifests = [
  'tools/package.json',
  'libs/migrate/package.json',
  'libs/backup/package.json',
  'libs/cli/package.json',
  'libs/postgres/package.json',
  'libs/smoke/package.json',
  'libs/canary/package.json',
];

const webFiles = ['apps/web/**/*.vue', 'apps/web/**/*.ts'];
const vueConfigs = pluginVue.configs['flat/recommended'].map((config) => ({
  ...config,
  files: config.files ? ['apps/web/**/*.vue'] : webFiles,
}));

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.data/**', '**/.nx/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: publishedSources,
    ignores: testOnly,
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'type:plugin', onlyDependOnLibsWithTags: ['type:engine'] },
            { sourceTag: 'type:engine', onlyDependOnLibsWithTags: ['type:engine'] },
          ],
        },
      ],
    },
  },
  {
    files: publishedManifests,
    languageOptions: { parser: jsoncParser },
    plugins: { '@nx': nx },
    rules: {
      '@nx/dependency-checks': [
        'error',
        {
          buildTargets: ['compile'],
          ignoredFiles: testOnly,
          // Peer dependencies of the plugin, provided by the workspace it is installed in.
          ignoredDependencies: ['nx', '@nx/devkit'],
        },
      ],
    },
  },
  ...vueConfigs,
  {
    files: ['apps/web/**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
    },
    rules: { ...pluginVue.configs['no-layout-rules'].rules, 'no-undef': 'off' },
  },
  {
    files: ['apps/web/src/**/*.{ts,vue}'],
    rules: { 'no-console': 'error' },
  },
);
