import { deployablePolicy, stackIssues } from '../../../functions/config/policy-stack';
import { validatePolicy } from '../../../functions/config/policy';
import { PolicyError } from '../../../functions/domain/errors';

const policy = (accounts: string[], regions: string[]) =>
  validatePolicy({ version: 1, controller: { accounts, regions, manifests: { bucket: 'm' } } });

describe('what one stack can serve (its IAM, ARNs and rules are built for one account and region)', () => {
  it.each([
    ['one account, one region', ['111122223333'], ['eu-west-1'], {}, []],
    ['the stack in that region', ['111122223333'], ['eu-west-1'], { region: 'eu-west-1' }, []],
    [
      'several accounts',
      ['111122223333', '444455556666'],
      ['eu-west-1'],
      {},
      [
        "controller.accounts: lists 2 accounts (111122223333, 444455556666), but one stack acts only in the account it is deployed to: keep that account (accounts: ['111122223333']) and deploy one stack per account",
      ],
    ],
    [
      'several regions',
      ['111122223333'],
      ['eu-west-1', 'us-east-1'],
      { region: 'us-east-1' },
      [
        'controller.regions: lists 2 regions (eu-west-1, us-east-1), but one stack acts only in the region it is deployed to: keep that region (regions: [eu-west-1]) and deploy one stack per region',
      ],
    ],
    [
      'a stack in another region',
      ['111122223333'],
      ['eu-west-1'],
      { region: 'us-east-1' },
      [
        "controller.regions: eu-west-1 does not include us-east-1, the stack's region, so the stack would ignore every event: deploy with --region eu-west-1 or write regions: [us-east-1]",
      ],
    ],
  ])('%s', (_, accounts, regions, target, issues) => {
    expect(stackIssues(policy(accounts, regions), target)).toEqual(issues);
  });

  it('deployablePolicy returns the policy, or throws a PolicyError listing every reason', () => {
    const ok = policy(['111122223333'], ['eu-west-1']);
    expect(deployablePolicy(ok, { region: 'eu-west-1' })).toBe(ok);
    const bad = policy(['111122223333', '444455556666'], ['eu-west-1', 'us-east-1']);
    expect(() => deployablePolicy(bad)).toThrow(PolicyError);
    expect(() => deployablePolicy(bad)).toThrow(/controller\.accounts: .*\n {2}controller\.regions: /);
  });
});
