/**
 * The IAM policy docs/policy.md gives for `validate --aws` ("Permissions `--aws` needs"): the tests
 * hold it to the calls the command makes, so the page cannot drift from the code.
 */
import { readFileSync } from 'node:fs';
import type { IdentityPolicy } from './role-simulation';

const SID = 'MlopsControllerValidateAws';

export function documentedPolicy(): IdentityPolicy {
  const page = readFileSync('docs/policy.md', 'utf8');
  const block = [...page.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes(SID));
  if (!block) throw new Error(`docs/policy.md has no JSON policy with Sid ${SID}`);
  return { name: SID, policy: JSON.parse(block) as IdentityPolicy['policy'] };
}

export function documentedActions(): string[] {
  return documentedPolicy().policy.Statement.flatMap((s) => ([] as string[]).concat(s.Action as string | string[]));
}
