/** The Claims port's contract: first caller wins until the claim expires. */
import type { Claims } from '../../functions/ports/claims';

export interface ClaimsSubject {
  claims: Claims;
  advance(seconds: number): void;
}

export function describeClaimsContract(name: string, makeSubject: () => Promise<ClaimsSubject>): void {
  describe(`Claims contract: ${name}`, () => {
    let s: ClaimsSubject;
    beforeEach(async () => {
      s = await makeSubject();
    });

    it('grants a key once', async () => {
      expect(await s.claims.claim('hold#a', 60)).toBe(true);
      expect(await s.claims.claim('hold#a', 60)).toBe(false);
      expect(await s.claims.claim('hold#b', 60)).toBe(true);
    });

    it('grants a key to exactly one of many concurrent callers', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => s.claims.claim('hold#c', 60)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('grants a released key again at once', async () => {
      expect(await s.claims.claim('hold#e', 60)).toBe(true);
      await s.claims.release('hold#e');
      expect(await s.claims.claim('hold#e', 60)).toBe(true);
      expect(await s.claims.claim('hold#e', 60)).toBe(false);
    });

    it('grants it again once the claim expired', async () => {
      expect(await s.claims.claim('hold#d', 60)).toBe(true);
      s.advance(61);
      expect(await s.claims.claim('hold#d', 60)).toBe(true);
    });
  });
}
