// Flat config: eslint recommended + typescript-eslint recommended, no type-aware rules (lint stays
// fast and needs no tsconfig program). Formatting is prettier's job (`prettier --check .`).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The Node globals plain JS files here use (the `globals` package is not a dependency).
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'structuredClone',
    'fetch',
    'AbortController',
    'TextDecoder',
    'TextEncoder',
  ].map((name) => [name, 'readonly']),
);
const commonJsGlobals = {
  require: 'readonly',
  module: 'writable',
  exports: 'writable',
  __dirname: 'readonly',
  __filename: 'readonly',
};

// Files that run at package time or locally, never inside a function: classic zod is fine there.
const packageTimeFiles = ['functions/config/policy.ts', 'functions/config/policy-*.ts', 'functions/cli/**'];

const namespaceZod = [
  ...['zod', 'zod/mini'].map((source) => ({
    selector: `ImportDeclaration[source.value='${source}'][importKind!='type'] > :matches(ImportSpecifier[importKind!='type'][imported.name='z'], ImportDefaultSpecifier)`,
    message: `Use \`import * as z from '${source}'\`: the named/default import bundles all of zod (+370 KB; +410 KB for zod/mini).`,
  })),
  {
    selector: "MemberExpression[object.name='z'][property.name='locales']",
    message: "Use `import { en } from 'zod/locales'`: `z.locales.en` bundles every locale (+260 KB).",
  },
];

// `@typescript-eslint/no-restricted-imports` options for code bundled into a function, plus a layer's
// own patterns (see the layer blocks below).
const bundledImports = (...extra) => [
  'error',
  {
    paths: [
      {
        name: 'zod',
        allowTypeImports: true,
        message:
          "Bundled code uses `import * as z from 'zod/mini'`: classic zod adds ~90 KB to every function. Only the policy schemas (config/policy*.ts) and the CLI use classic zod.",
      },
    ],
    patterns: [
      {
        regex: '(^|/)config/policy(-[a-z]+)?$|^\\./policy(-[a-z]+)?$',
        allowTypeImports: true,
        message:
          'Import policy types only (`import type`): a value import bundles the classic-zod policy schema into the function. The policy is validated at package time and embedded as JSON (bundling/bundled-policy.ts); move a helper the runtime needs out of policy*.ts.',
      },
      ...extra.flat(),
    ],
  },
];

const sdk = {
  regex: '^@(aws-sdk|smithy)/',
  message: 'Only adapters (and the config/*-runtime.ts wiring) talk to the AWS SDK: depend on a port instead.',
};
// Node modules that reach outside the process (files, network, processes, the host); node:crypto's
// hashes and randomUUID stay allowed.
const nodeIo = {
  regex:
    '^(node:)?(fs|fs/promises|child_process|net|http|https|http2|dgram|dns|dns/promises|tls|cluster|worker_threads|readline|readline/promises|os|process|inspector|repl|v8|vm)$',
  message: 'The domain does no I/O: read and write through a port in the workflow that calls it.',
};
const layers = (names, from) => ({
  regex: `^\\.\\.?/(.+/)?(${names.join('|')})(/|$)`,
  message: `${from}/ must not import from ${names.join(', ')}/ (docs/architecture.md, import rules).`,
});
const configValues = (from) => ({
  regex: '^\\.\\.?/(.+/)?config(/|$)',
  allowTypeImports: true,
  message: `${from}/ may name config types (\`import type\`), never import config values (environment, runtime wiring).`,
});

export default defineConfig(
  globalIgnores(['node_modules/', '.serverless/', '.esbuild/', 'coverage/', 'bench/', 'build/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { sourceType: 'module', globals: nodeGlobals },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, ...commonJsGlobals } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // zod as a namespace: `import { z } from 'zod'` makes esbuild keep all of zod, every locale
    // included (~470 KB per function); `import * as z` lets it drop what is unused. Measured with
    // esbuild 0.28 / zod 4.6 on the data-arrived bundle; zod/mini's `z` export behaves the same.
    // The same holds for locales: `z.locales.en()` keeps all of them, `import { en } from 'zod/locales'` one.
    files: ['functions/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...namespaceZod],
    },
  },
  {
    // Code bundled into the Lambdas (everything in functions/ but the policy schemas and the CLI).
    // Classic zod costs ~90 KB in every function (its method-chaining API defeats tree shaking);
    // zod/mini's functions keep only what the schemas use (~25 KB). The policy schemas are classic
    // zod and run at package time: a function may name their types, never import their values.
    files: ['functions/**/*.ts'],
    ignores: packageTimeFiles,
    rules: { '@typescript-eslint/no-restricted-imports': bundledImports() },
  },
  // Layer boundaries (docs/architecture.md). A file gets the options of the last block matching it,
  // so each layer's block repeats the bundled-code restrictions above through bundledImports().
  {
    // Pure decisions: no SDK, no I/O, nothing from the layers that call it. Policy types are the
    // domain's vocabulary, so `import type` from config stays allowed.
    files: ['functions/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': bundledImports(
        sdk,
        nodeIo,
        layers(['adapters', 'workflows', 'guardrails', 'handlers', 'parsing', 'wiring', 'cli'], 'domain'),
        configValues('domain'),
      ),
    },
  },
  {
    // Event parsers: pure like the domain (which they may use), called by handlers only.
    files: ['functions/parsing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': bundledImports(
        sdk,
        nodeIo,
        layers(['adapters', 'workflows', 'guardrails', 'handlers', 'wiring', 'cli'], 'parsing'),
        configValues('parsing'),
      ),
    },
  },
  {
    // Interfaces the workflows need: they name no implementation and no SDK type.
    files: ['functions/ports/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': bundledImports(
        sdk,
        layers(['adapters', 'workflows', 'guardrails', 'handlers', 'wiring', 'cli'], 'ports'),
        configValues('ports'),
      ),
    },
  },
  {
    // A handler gets its capabilities wired by config/*-runtime.ts, never builds an adapter or a
    // client itself.
    files: ['functions/handlers/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': bundledImports(
        sdk,
        layers(['adapters'], 'handlers'),
        layers(['cli'], 'handlers'),
      ),
    },
  },
  {
    // Workflows act through ports only, and are called, never calling up (handlers, wiring, cli).
    files: ['functions/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': bundledImports(
        sdk,
        layers(['adapters', 'handlers', 'wiring', 'cli'], 'workflows'),
        configValues('workflows'),
      ),
    },
  },
  {
    // The guardrails wrap ports with ports: no SDK, no adapter, no workflow.
    files: ['functions/guardrails/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': bundledImports(
        sdk,
        layers(['adapters', 'workflows', 'handlers', 'wiring', 'cli'], 'guardrails'),
        configValues('guardrails'),
      ),
    },
  },
  {
    // One wiring per capability: it joins ports given to it (AWS adapters from config/*-runtime.ts,
    // memory adapters from simulate and the tests) to a workflow, so it names no adapter or client.
    files: ['functions/wiring/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': bundledImports(
        sdk,
        layers(['adapters', 'handlers', 'cli'], 'wiring'),
        configValues('wiring'),
      ),
    },
  },
  {
    // The policy schemas run at package time (infra/esbuild-plugins.cjs) and in the CLI, never in a
    // function: classic zod, whose chained API and richer errors suit a file people edit by hand.
    files: packageTimeFiles,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'zod/mini',
              message:
                "The policy schemas and the CLI use classic zod (`import * as z from 'zod'`); zod/mini is for code bundled into the functions.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
