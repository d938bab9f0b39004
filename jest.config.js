// Native ESM (middy 7 is ESM-only); @swc/jest keeps the transform fast.
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  '\\.ya?ml$': '<rootDir>/test/support/text-transform.cjs',
};
// No test may depend on how fast a busy 2-core machine runs: jest's 5 s default failed
// cli-unfreeze under load. Tests bound their own waits by state (polls with explicit budgets), so
// this timeout only catches a hang; it is not a speed assertion. Jest reads it from the top level
// only (a project's own testTimeout is ignored: cli-unfreeze still failed at 5 s with it there).
const testTimeout = 120_000;
const common = {
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  // Every AWS request in every layer is checked against botocore's model of the service, and every
  // AWS call a function's code makes is evaluated against its role (iam-simulate).
  setupFilesAfterEnv: [
    '<rootDir>/test/support/aws-rules/models-setup.ts',
    '<rootDir>/test/support/aws-rules/iam-recorder.ts',
  ],
};

export default {
  testTimeout,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/moto-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/moto-global-teardown.ts',
    },
    // The real stack (osls deploy into a moto server of its own, started by the test itself).
    { ...common, displayName: 'deploy', testMatch: ['<rootDir>/test/deploy/**/*.test.ts'] },
    // Pages in a real browser: Debian's chromium, headless, driven by playwright-core.
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
  ],
};
