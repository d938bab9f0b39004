import * as z from 'zod/mini';
import { describeIssues } from '../../../functions/domain/validation';

const event = z.object({
  id: z.string(),
  detail: z.object({ size: z.number().check(z.nonnegative()), name: z.string().check(z.minLength(1)) }),
});

function failure(input: unknown) {
  const result = event.safeParse(input);
  if (result.success) throw new Error('expected the parse to fail');
  return result.error;
}

describe('describeIssues (zod/mini issues as log and decision text)', () => {
  it('names the path of each issue with the English message, not "Invalid input" alone', () => {
    expect(describeIssues(failure({ id: 'e', detail: { size: -1, name: '' } }))).toBe(
      'detail.size: Too small: expected number to be >=0; ' +
        'detail.name: Too small: expected string to have >=1 characters',
    );
  });

  it('says what was expected and what arrived for a missing field', () => {
    expect(describeIssues(failure({ detail: { size: 1, name: 'n' } }))).toBe(
      'id: Invalid input: expected string, received undefined',
    );
  });

  it('keeps only the first issues when given a limit, and names an empty path with the root', () => {
    expect(describeIssues(failure({ id: 'e', detail: { size: -1, name: '' } }), { limit: 1 })).toMatch(
      /^detail\.size: Too small/,
    );
    expect(describeIssues(failure('not an object'), { root: 'event' })).toBe(
      'event: Invalid input: expected object, received string',
    );
  });
});
