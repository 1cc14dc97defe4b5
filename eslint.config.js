// Lint rules: strict TypeScript without `any` (DEVELOPERS.md, Code standards).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.dependency-cruiser.cjs', 'dist/**', 'node_modules/**', 'fpga/build/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  // Type-aware rules for TypeScript: a promise nobody awaits loses its rejection, and a switch over a union that
  // misses a member silently falls through to "no decision".
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        // The project service uses tsconfig.json for every .ts file it includes (src, attestation, drivers,
        // firmware-sim, fpga, tests, bench). vitest.config.ts lies outside it and is linted through the default
        // project, which reads the same tsconfig.json compiler options; that keeps tsc and the build untouched.
        // allowDefaultProject refuses '**' globs, so a future policies/**/*.test.ts belongs in tsconfig.json's include.
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
    },
  },
  // JavaScript (this file, scripts/*.js, bin/*.js) has no type information: keep the type-aware rules off it.
  { files: ['**/*.js', '**/*.cjs', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
