/**
 * The data-drop storm on moto's DynamoDB and S3 (driver: test/support/storm.ts).
 * STORM_OBJECTS (default 1,000 to keep `npm test` quick; the 10,000 runs in `npm run bench`).
 */
import { runStorm } from '../support/storm';

const OBJECTS = Number(process.env.STORM_OBJECTS ?? 1000);
const BATCH_SIZE = 100;
const WORKERS = 4;

describe(`data-drop storm: ${OBJECTS} object events, SQS batches of 10, each delivered twice, ${WORKERS} workers`, () => {
  it(
    'starts exactly one run per closed batch and the manifests partition the objects exactly',
    async () => {
      const { report, tokens, keys } = await runStorm({ objects: OBJECTS, batchSize: BATCH_SIZE, workers: WORKERS });
      console.log(`storm report ${JSON.stringify(report)}`);

      expect(report.starts).toBeGreaterThanOrEqual(1);
      expect(report.starts).toBeLessThanOrEqual(Math.ceil(OBJECTS / BATCH_SIZE));
      expect(tokens).toBe(report.starts);
      expect(report.executions).toBe(report.starts);
      expect(report.batchSizes.slice(0, -1).every((n) => n >= BATCH_SIZE)).toBe(true);
      expect(keys).toHaveLength(OBJECTS);
      expect(new Set(keys).size).toBe(OBJECTS);
      expect(keys).toContain('storm/day=2026-11-22/part 00000.csv');
      // Measured ≈1.46 per object (≈0.73 per delivery) with this ledger; the 1.2 target is open work
      // (see README, "Cost"). This bound catches regressions.
      expect(report.writeUnitsPerObject).toBeLessThanOrEqual(1.6);
    },
    15 * 60_000,
  );
});
