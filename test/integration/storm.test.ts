/**
 * The data-drop storm on moto's DynamoDB and S3 (driver: test/support/storm.ts).
 * STORM_OBJECTS (default 1,000 to keep `npm test` quick; `STORM_OBJECTS=10000 npm test -- --testPathPatterns storm`
 * or `npm run bench` for the full size) and STORM_BATCH (maxObjects, default 100).
 */
import { runStorm } from '../support/storm';

const OBJECTS = Number(process.env.STORM_OBJECTS ?? 1000);
const BATCH_SIZE = Number(process.env.STORM_BATCH ?? 100);
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
      // One decision per decision: each started batch has one CLOSED and one STARTED record.
      const { 'retraining.batch': closed, 'retraining.start': started } = report.decisions;
      expect(started).toEqual({ records: report.starts, subjects: report.starts });
      expect(closed).toEqual({ records: report.starts, subjects: report.starts });
      // Billed write units: each object's identity (1, the floor) and a tenth of a chunk (10 objects
      // a chunk under 1 KB), plus per closed batch the ledger's close (3), the run's state (3) and
      // its decision records (2): 1.1 + 8 per batch. Allowance on top: lost lease races (one or two
      // per batch on moto, whose serialized requests widen the race window) and duplicate
      // deliveries of one SQS batch that run at the same moment (both write; up to 11 each, a
      // handful per 1,000 objects in this shuffle). Measured: 1.18–1.20 at batches of 100 (1,000
      // objects), see docs/ledger.md for 10,000. The design before this
      // bound (transactions for the close and the start claim, 15 per batch) measured 1.25 here.
      expect(report.writeUnitsPerObject).toBeLessThanOrEqual(1.13 + 10 / BATCH_SIZE);
    },
    15 * 60_000,
  );
});
