'use strict';
/**
 * esbuild plugins for the function bundles: serverless.yml `custom.esbuild.plugins` (serverless-esbuild
 * `require`s this file) and `npm run bench`, which builds the same way.
 *
 * `virtual:validated-policy` is the stack's policy (serverless.yml custom.policy: the `policy` param,
 * else the example controller.yml) as infra/iam.cjs loads it: parsed and validated by the
 * functions' own zod schema (functions/config/policy.ts) at package time, defaults applied, bundled
 * as JSON. A function therefore carries neither the YAML parser (≈120 KB of each bundle) nor the
 * policy schema, and its cold start neither parses nor validates; an invalid policy still fails
 * `osls package`, with the same messages `mlops-controller validate` prints.
 *
 * The decision sinks follow the same policy: functions/config/bundling/decision-events-sink.ts (EventBridge
 * client, ≈ 17 KB) and decision-notifier-sink.ts (SNS client, ≈ 24 KB) are bundled only when the
 * policy names `controller.decisions.eventBus` / `topicArn`; otherwise the import resolves to
 * no-decision-sink.ts. The roles follow the same keys (infra/decisions-iam.cjs), so a bundle holds
 * PutEvents / Publish exactly when its role may call them.
 *
 * `@aws-sdk/credential-provider-node` (the SDK's default credential chain, imported by every
 * client's runtime config) is functions/config/bundling/lambda-credentials.ts: the environment link alone,
 * which is where Lambda puts the execution role's credentials (see that file for why).
 */
const path = require('node:path');

const VALIDATED_POLICY = 'virtual:validated-policy';
const CONFIG = path.join(__dirname, '..', 'functions', 'config', 'bundling');
const LAMBDA_CREDENTIALS = path.join(CONFIG, 'lambda-credentials.ts');
const NO_SINK = path.join(CONFIG, 'no-decision-sink.ts');
/** Sink module (without extension, as imported) → the policy key that makes a bundle need it. */
const SINKS = {
  [path.join(CONFIG, 'decision-events-sink')]: 'eventBus',
  [path.join(CONFIG, 'decision-notifier-sink')]: 'topicArn',
};

/** The policy at `file`, parsed and validated now: iam.cjs caches it per process, a fresh read keeps rebuilds honest. */
const policyAt = (file, target) => () => {
  delete require.cache[require.resolve('./iam.cjs')];
  return require('./iam.cjs').loadPolicy(file, target);
};

function validatedPolicy(loadPolicy, watchFiles) {
  return {
    name: 'validated-policy',
    setup(build) {
      build.onResolve({ filter: /^virtual:validated-policy$/ }, () => ({
        path: VALIDATED_POLICY,
        namespace: VALIDATED_POLICY,
      }));
      build.onLoad({ filter: /.*/, namespace: VALIDATED_POLICY }, () => ({
        contents: JSON.stringify(loadPolicy()),
        loader: 'json',
        watchFiles,
      }));
    },
  };
}

function decisionSinks(loadPolicy) {
  return {
    name: 'decision-sinks',
    setup(build) {
      let decisions;
      // Once per build: every function of a build bundles the same policy.
      build.onStart(() => {
        decisions = undefined;
      });
      build.onResolve({ filter: /decision-(events|notifier)-sink$/ }, (args) => {
        const key = SINKS[path.join(args.resolveDir, args.path)];
        if (!key) return undefined;
        decisions ??= loadPolicy().controller.decisions;
        // Undefined: esbuild resolves the real module as usual.
        return decisions[key] ? undefined : { path: NO_SINK };
      });
    },
  };
}

const lambdaCredentials = {
  name: 'lambda-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: LAMBDA_CREDENTIALS }));
  },
};

/**
 * The plugins for the policy `loadPolicy()` returns (the validated policy object). The default is
 * controller.yml; the bundling test builds the same functions for other policies.
 */
function functionPlugins(loadPolicy = policyAt(), watchFiles = [require('./iam.cjs').policyFile()]) {
  return [validatedPolicy(loadPolicy, watchFiles), decisionSinks(loadPolicy), lambdaCredentials];
}

/**
 * serverless-esbuild calls an exported function with the Serverless instance, whose configuration
 * is resolved by then: the bundles get the policy the roles and rules were built from.
 */
function stackPlugins(serverless) {
  const { custom = {}, provider = {} } = serverless?.service ?? {};
  const file = require('./iam.cjs').policyFile(custom.policy);
  return functionPlugins(policyAt(file, { region: provider.region }), [file]);
}

module.exports = stackPlugins;
module.exports.functionPlugins = functionPlugins;
