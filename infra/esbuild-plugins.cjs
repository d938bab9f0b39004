'use strict';
/**
 * esbuild plugins for the function bundles: serverless.yml `custom.esbuild.plugins` (serverless-esbuild
 * `require`s this file) and `npm run bench`, which builds the same way.
 *
 * `virtual:validated-policy` is controller.yml as infra/iam.cjs loads it: parsed and validated by the
 * functions' own zod schema (functions/config/policy.ts) at package time, defaults applied, bundled
 * as JSON. A function therefore carries neither the YAML parser (≈120 KB of each bundle) nor the
 * policy schema, and its cold start neither parses nor validates; an invalid policy still fails
 * `osls package`, with the same messages `mlops-controller validate` prints.
 *
 * `@aws-sdk/credential-provider-node` (the SDK's default credential chain, imported by every
 * client's runtime config) is functions/config/lambda-credentials.ts: the environment link alone,
 * which is where Lambda puts the execution role's credentials (see that file for why).
 */
const path = require('node:path');

const VALIDATED_POLICY = 'virtual:validated-policy';
const POLICY_FILE = path.join(__dirname, '..', 'controller.yml');
const LAMBDA_CREDENTIALS = path.join(__dirname, '..', 'functions', 'config', 'lambda-credentials.ts');

const validatedPolicy = {
  name: 'validated-policy',
  setup(build) {
    build.onResolve({ filter: /^virtual:validated-policy$/ }, () => ({
      path: POLICY_FILE,
      namespace: VALIDATED_POLICY,
    }));
    build.onLoad({ filter: /.*/, namespace: VALIDATED_POLICY }, () => {
      // iam.cjs caches the policy per process; a fresh read keeps watch/rebuilds honest.
      delete require.cache[require.resolve('./iam.cjs')];
      const { loadPolicy } = require('./iam.cjs');
      return { contents: JSON.stringify(loadPolicy()), loader: 'json', watchFiles: [POLICY_FILE] };
    });
  },
};

const lambdaCredentials = {
  name: 'lambda-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: LAMBDA_CREDENTIALS }));
  },
};

module.exports = [validatedPolicy, lambdaCredentials];
