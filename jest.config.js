// Native ESM (middy 7 is ESM-only); @swc/jest keeps the transform fast.
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  '\\.ya?ml$': '<rootDir>/test/support/text-transform.cjs',
};
const common = { transform, extensionsToTreatAsEsm: ['.ts'], moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'] };

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/moto-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/moto-global-teardown.ts',
    },
  ],
};
