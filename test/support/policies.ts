import { validatePolicy, type Policy, type RetrainingRule } from '../../functions/config/policy';

/** The controller block tests use unless they are about accounts, regions or manifests. */
export const testController = { accounts: ['123456789012'], regions: ['us-east-1'], manifests: { bucket: 'm' } };

/** A raw (unvalidated) policy document, a fresh copy each call: tests break it on purpose. */
export const policyInput = (retraining: unknown[], controller: unknown = testController) =>
  structuredClone({ version: 1, controller, retraining });

export const testPolicy = (retraining: unknown[], controller?: unknown): Policy =>
  validatePolicy(policyInput(retraining, controller));

/** One validated rule: bucket b, prefix p/, a CodePipeline target, overridden by `fields`. */
export const testRule = (fields: Record<string, unknown>): RetrainingRule =>
  testPolicy([
    {
      name: 'r',
      source: { bucket: 'b', prefix: 'p/' },
      target: { type: 'codepipeline', name: 'p' },
      trigger: { maxObjects: 1 },
      ...fields,
    },
  ]).retraining[0]!;
