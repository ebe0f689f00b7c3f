import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';

// apps/web: Vue single-file components with <script setup lang="ts">. Layout rules are off because
// prettier formats .vue files; no-undef is off because vue-tsc checks names (as typescript-eslint
// does for .ts files).
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
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
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
