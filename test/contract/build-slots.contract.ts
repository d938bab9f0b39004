/** The BuildSlots port's contract: one conditional swap per change, so concurrent claims cannot both win. */
import type { BuildSlots } from '../../functions/ports/build-slots';

export function describeBuildSlotsContract(name: string, make: () => Promise<BuildSlots>): void {
  describe(`BuildSlots contract: ${name}`, () => {
    let slots: BuildSlots;
    beforeEach(async () => {
      slots = await make();
    });

    it('starts empty at version 0', async () => {
      expect(await slots.read()).toEqual({ version: 0, holders: {} });
    });

    it('stores the holders with their build and bumps the version on each swap', async () => {
      const holders = {
        t1: { until: '2024-05-01T13:00:00.000Z', executionId: 'arn:b:1' },
        t2: { until: '2024-05-01T14:00:00.000Z' },
      };
      expect(await slots.swap(await slots.read(), holders)).toBe(true);
      expect(await slots.read()).toEqual({ version: 1, holders });
      expect(await slots.swap(await slots.read(), {})).toBe(true);
      expect(await slots.read()).toEqual({ version: 2, holders: {} });
    });

    it('refuses a swap from a version that is no longer current', async () => {
      const seen = await slots.read();
      expect(await slots.swap(seen, { a: { until: '2024-05-01T13:00:00.000Z' } })).toBe(true);
      expect(await slots.swap(seen, { b: { until: '2024-05-01T13:00:00.000Z' } })).toBe(false);
      expect(Object.keys((await slots.read()).holders)).toEqual(['a']);
    });

    it('lets exactly one of concurrent swaps from the same version win', async () => {
      const seen = await slots.read();
      const results = await Promise.all(
        ['a', 'b', 'c'].map((h) => slots.swap(seen, { [h]: { until: '2024-05-01T13:00:00.000Z' } })),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
