import { bindSlot, claimSlot, releaseSlot, type SlotHolders } from '../../../functions/domain/build-slots';

const now = new Date('2024-05-01T12:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

describe('claimSlot', () => {
  it.each<[string, SlotHolders, number, string]>([
    ['a free slot is claimed', {}, 2, 'claim'],
    ['the last free slot is claimed', { t1: { until: later(60) } }, 2, 'claim'],
    ['every slot taken defers', { t1: { until: later(60) }, t2: { until: later(30) } }, 2, 'full'],
    ['a lapsed holder frees its slot', { t1: { until: later(60) }, t2: { until: later(-1) } }, 2, 'claim'],
    ['the same start asking again holds its slot', { me: { until: later(60) } }, 1, 'held'],
  ])('%s', (_, holders, max, phase) => {
    expect(claimSlot(holders, 'me', max, now, 3600).phase).toBe(phase);
  });

  it('holds a claimed slot for the rule’s maxRunSeconds and drops lapsed holders', () => {
    const verdict = claimSlot({ old: { until: later(-5) } }, 'me', 1, now, 3600);
    expect(verdict).toEqual({
      phase: 'claim',
      holders: { me: { until: later(3600) } },
      reason: 'CodeBuild slot 1 of 1',
    });
  });

  it('says when the first slot lapses and names the policy key when full', () => {
    const verdict = claimSlot({ a: { until: later(90) }, b: { until: later(30) } }, 'me', 2, now, 60);
    expect(verdict).toMatchObject({ phase: 'full', retryAt: later(30) });
    expect(verdict.reason).toContain('controller.codebuild.maxConcurrentBuilds (2)');
  });
});

describe('bindSlot and releaseSlot', () => {
  const holders: SlotHolders = { me: { until: later(60) }, other: { until: later(60), executionId: 'arn:b' } };

  it('names the build on the holder’s slot, once', () => {
    const bound = bindSlot(holders, 'me', 'arn:a');
    expect(bound?.me).toEqual({ until: later(60), executionId: 'arn:a' });
    expect(bindSlot(bound!, 'me', 'arn:a')).toBeUndefined();
    expect(bindSlot(holders, 'nobody', 'arn:a')).toBeUndefined();
  });

  it('frees a slot by its build ARN or by its start token, and changes nothing for an unknown one', () => {
    expect(releaseSlot(holders, 'arn:b', now)).toEqual({ me: { until: later(60) } });
    expect(releaseSlot(holders, 'me', now)).toEqual({ other: holders.other });
    expect(releaseSlot(holders, 'arn:unknown', now)).toBeUndefined();
  });
});
