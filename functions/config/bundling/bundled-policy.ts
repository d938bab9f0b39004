// At package time infra/esbuild-plugins.cjs resolves this import to the stack's policy (the `policy`
// param, else controller.yml) parsed and validated by policy.ts's schema, as JSON: the deployed
// functions run exactly the policy that was validated, without a YAML parser or a validation pass
// at cold start.
import policy from 'virtual:validated-policy';
import type { Policy } from '../policy';

export const bundledPolicy = (): Policy => policy;
