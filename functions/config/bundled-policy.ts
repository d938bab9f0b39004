// esbuild bundles the policy file as text (serverless.yml: loader .yml → text), so the deployed
// functions run exactly the policy that was validated at package time.
import policyText from '../../controller.yml';
import { parsePolicyText, type Policy } from './policy';

export const bundledPolicy = (): Policy => parsePolicyText(policyText);
