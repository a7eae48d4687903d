// ESLint: typescript-eslint's recommended rules, and the layer rule of house-style.md: domain/ and app/
// depend on nothing outside them (no transport, storage, clients, workers, and no grpc-js, pg, kafkajs).
import tseslint from 'typescript-eslint';

const adapters = {
  group: ['**/transport/**', '**/storage/**', '**/clients/**', '**/workers/**', '**/channels/**', '**/observability/**'],
  message: 'domain/ and app/ must not depend on adapters: pass them in through ports.',
};
const infrastructure = {
  group: ['@grpc/*', 'pg', 'kafkajs', 'prom-client', '@opentelemetry/*'],
  message: 'domain/ and app/ stay free of gRPC, SQL, Kafka and telemetry libraries.',
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'packages/proto/src/gen/**',
      '.data/**',
      'build/**',
      '.tools/**',
      'coverage/**',
      '.vitest-tmp/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['services/*/src/app/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [adapters, infrastructure] }] },
  },
  {
    files: ['services/*/src/domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [adapters, infrastructure, { group: ['**/app/**'], message: 'domain/ does not know the use cases.' }] },
      ],
    },
  },
);
