import { fitActions } from '../../../functions/adapters/aws/dynamodb/decision-log';
import type { ActionRecord } from '../../../functions/ports/decision-log';

const action = (i: number, status: ActionRecord['status'] = 'taken'): ActionRecord => ({
  service: 'sagemaker',
  operation: 'UpdateEndpoint',
  target: `endpoint-${i} -> config-${i}`,
  status,
  ...(status === 'withheld' ? { why: 'observe (rollback[0].mode)' } : {}),
});

describe('decision actions as stored (fitActions)', () => {
  it('stores a short list unchanged', () => {
    const actions = [action(1), action(2, 'withheld')];
    expect(JSON.parse(fitActions(actions))).toEqual(actions);
  });

  it.each([12, 100, 5_000])('%i actions stay valid JSON under 1,000 bytes, the rest counted in a last entry', (n) => {
    const actions = Array.from({ length: n }, (_, i) => action(i, i % 3 === 0 ? 'withheld' : 'taken'));
    const json = fitActions(actions);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(1_000);
    const stored = JSON.parse(json) as ActionRecord[];
    const more = stored.at(-1)!;
    const kept = stored.slice(0, -1);
    expect(kept).toEqual(actions.slice(0, kept.length));
    const rest = actions.slice(kept.length);
    const withheld = rest.filter((a) => a.status === 'withheld').length;
    expect(more).toEqual({
      service: 'controller',
      operation: 'More',
      target: `+${rest.length} more (${rest.length - withheld} taken, ${withheld} withheld)`,
      status: 'taken',
    });
  });

  it('shortens a huge target instead of cutting the JSON', () => {
    const stored = JSON.parse(fitActions([{ ...action(1), target: '→'.repeat(10_000) }])) as ActionRecord[];
    expect(stored).toEqual([expect.objectContaining({ target: `${'→'.repeat(199)}…` })]);
  });
});
