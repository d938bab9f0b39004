import { eventTime, isoTime } from '../../../functions/domain/time';

const NOW = '2026-11-22T10:00:00.000Z';

describe('event times', () => {
  it('normalizes CloudWatch timestamps and falls back on unparseable ones', () => {
    expect(isoTime('2019-10-02T17:04:40.989+0000', NOW)).toBe('2019-10-02T17:04:40.989Z');
    expect(isoTime('garbage', NOW)).toBe(NOW);
    expect(isoTime(undefined, NOW)).toBe(NOW);
  });

  it.each([
    ['epoch milliseconds as a string (endpoint events)', '1700000000000', '2023-11-14T22:13:20.000Z'],
    ['epoch milliseconds as a number', 1700000000000, '2023-11-14T22:13:20.000Z'],
    ['ISO text', '2026-11-22T09:00:00Z', '2026-11-22T09:00:00.000Z'],
    ['nothing', undefined, NOW],
  ])('reads %s', (_what, value, expected) => {
    expect(eventTime(value, NOW)).toBe(expected);
  });
});
