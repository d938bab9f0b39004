/**
 * `npm run bench` (`-- --quick` or BENCH_QUICK=1 for a small run): P1 cold init, P2 bundle size,
 * P3/P4 the data-drop storm, P5 AWS calls per decision, P6 throughput. Prints a table and writes
 * bench/results.json (`-- --write-docs`: and rewrites docs/performance.md's results block from it).
 * Every comparison is taken side by side in the same run (the machine is
 * noisy): ratios matter more than absolute figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientConfig, createStateTable, resetMoto, uniqueName } from '../support/aws';
import { motoEnvironment, startMoto, stopMoto } from '../support/moto-server';
import { runStorm } from '../support/storm';
import { buildBundles, repoRoot } from './bundles';
import { callCases, countCalls } from './calls';
import { bareNodeSubject, boto3Subject, bundleSubject, measureColdInit } from './cold-init';
import { measureCliStart } from './cli-start';
import { combineRates, formatTable, kilobytes, ms, ratio, verdict, writeUnitShares, type Row } from './stats';
import { motoCosts, type MotoCosts } from './moto-costs';
import { rawConditionalPuts, type RawRate } from './throughput';
import { writeResultsToDocs } from './write-docs';

const quick = process.argv.includes('--quick') || Boolean(process.env.BENCH_QUICK);
const writeDocs = process.argv.includes('--write-docs');
const settings = {
  quick,
  coldInitRuns: quick ? 5 : 11,
  cliStartRuns: quick ? 5 : 11,
  stormObjects: quick ? 1_000 : 10_000,
  steadyObjects: 1_000,
  stormBatchSize: 100,
  stormWorkers: 4,
  rawPuts: 2_000,
  /** The full storm runs in this many windows, each followed by rawPuts / windows reference PutItems on its table. */
  sustainedWindows: 10,
};

const BUNDLE_LIMIT_BYTES = 600 * 1024;
/** "Well under a second" for --help and validate (issue 13). */
const CLI_START_MAX_MS = 500;
const COLD_INIT_MAX_RATIO = 0.35;
const WRITE_UNITS_MAX = 1.2;
const THROUGHPUT_MIN_RATIO = 0.7;

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function motoCostsOnFreshTable(): Promise<MotoCosts> {
  const dynamo = new DynamoDBClient(awsClientConfig());
  const table = uniqueName('bench-costs');
  await createStateTable(dynamo, table);
  return motoCosts(dynamo, table, 0);
}

async function main(): Promise<void> {
  const outDir = join(repoRoot, 'bench');
  mkdirSync(outDir, { recursive: true });
  const rows: Row[] = [];

  log('P2: building every function in serverless.yml with its esbuild options');
  const bundles = await buildBundles(join(outDir, 'build'));
  for (const b of bundles)
    rows.push({
      metric: 'P2 bundle (minified)',
      subject: b.name,
      value: kilobytes(b.bytes),
      target: '≤ 600 KB',
      verdict: verdict(b.bytes, { max: BUNDLE_LIMIT_BYTES }),
      note: b.top
        .slice(0, 4)
        .map((c) => `${c.name} ${kilobytes(c.bytes)}`)
        .join(', '),
    });

  log(`P1: cold init, ${settings.coldInitRuns} interleaved runs per subject`);
  const cold = measureColdInit(
    [...bundles.map((b) => bundleSubject(b.name, b.file)), boto3Subject, bareNodeSubject],
    settings.coldInitRuns,
  );
  const boto3 = cold.find((c) => c.name === boto3Subject.name)!;
  const bare = cold.find((c) => c.name === bareNodeSubject.name)!;
  for (const c of cold) {
    const r = ratio(c.medianMs, boto3.medianMs);
    const isBundle = c !== boto3 && c !== bare;
    rows.push({
      metric: 'P1 cold init (median)',
      subject: c.name,
      value: `${ms(c.medianMs)} = ${r} × boto3`,
      target: isBundle ? `≤ ${COLD_INIT_MAX_RATIO} × boto3` : '',
      verdict: isBundle ? verdict(r, { max: COLD_INIT_MAX_RATIO }) : '',
      note:
        c.importMs !== undefined
          ? `import ${ms(c.importMs)} + ready ${ms(c.readyMs!)} in process`
          : c === bare
            ? 'the floor'
            : '',
    });
  }

  log(`CLI start: ${settings.cliStartRuns} interleaved runs per command, built and through tsx`);
  const cliStart = await measureCliStart(repoRoot, settings.cliStartRuns);
  for (const [i, c] of cliStart.built.entries()) {
    const before = cliStart.tsx[i]!;
    rows.push({
      metric: 'CLI start (median)',
      subject: c.name,
      value: `${ms(c.medianMs)} = ${ratio(c.medianMs, cliStart.bare.medianMs)} × node -e 0`,
      target: `≤ ${CLI_START_MAX_MS} ms`,
      verdict: verdict(c.medianMs, { max: CLI_START_MAX_MS }),
      note: `through tsx (before the build): ${ms(before.medianMs)}`,
    });
  }
  rows.push({
    metric: 'CLI start (median)',
    subject: 'node -e 0',
    value: ms(cliStart.bare.medianMs),
    target: '',
    verdict: '',
    note: 'the floor, in the same rounds',
  });

  log('starting moto');
  const { handle } = await startMoto();
  Object.assign(process.env, motoEnvironment(handle));
  delete process.env.AWS_PROFILE;
  let calls, storm, steady, raw;
  let freshCosts: MotoCosts | undefined;
  let grownCosts: MotoCosts | undefined;
  const sustainedRaw: RawRate[] = [];
  let steadyCpuMsPerEvent: number;
  try {
    log('P5: AWS calls per decision');
    calls = await countCalls(handle.endpoint, callCases);
    for (const c of calls)
      rows.push({
        metric: 'P5 AWS calls per decision',
        subject: c.name,
        value: String(c.calls),
        target: c.target !== undefined ? `≤ ${c.target}` : '',
        verdict: c.target !== undefined ? verdict(c.calls, { max: c.target }) : '',
        note: Object.entries(c.byOperation)
          .map(([op, n]) => `${op} ${n}`)
          .join(', '),
      });

    // P6 twice: over the first objects on a fresh table, and sustained over the whole storm, where
    // the reference PutItems run between the storm's windows on the storm's own table, so both
    // rates are taken at the same table size. moto's per-call costs on a fresh and on the grown
    // table are measured too (moto-costs.ts): they, not the design, are what grows.
    freshCosts = await motoCostsOnFreshTable();
    log(
      `P6: ${settings.steadyObjects} object events on a fresh table, between two halves of ${settings.rawPuts} raw PutItems`,
    );
    // The reference rate is taken half before and half after the handler's window, so a change in
    // the machine's load during the run weighs on both sides alike.
    const rawBefore = await rawConditionalPuts(settings.rawPuts / 2, settings.stormWorkers);
    const cpu = process.cpuUsage();
    steady = await runStorm({
      objects: settings.steadyObjects,
      batchSize: settings.stormBatchSize,
      workers: settings.stormWorkers,
    });
    const used = process.cpuUsage(cpu);
    steadyCpuMsPerEvent = (used.user + used.system) / 1000 / steady.report.deliveries;
    const rawAfter = await rawConditionalPuts(settings.rawPuts / 2, settings.stormWorkers);
    raw = combineRates(rawBefore, rawAfter);
    if (settings.stormObjects === settings.steadyObjects) storm = steady;
    else {
      // moto's TransactWriteItems deep-copies every table it holds: start the storm on an empty moto.
      await resetMoto();
      log(`P3/P4/P6: storm of ${settings.stormObjects} object events (each SQS batch delivered twice)`);
      const perWindow = settings.rawPuts / settings.sustainedWindows;
      storm = await runStorm({
        objects: settings.stormObjects,
        batchSize: settings.stormBatchSize,
        workers: settings.stormWorkers,
        windows: settings.sustainedWindows,
        between: async (table) =>
          void sustainedRaw.push(await rawConditionalPuts(perWindow, settings.stormWorkers, table)),
      });
      grownCosts = await motoCosts(new DynamoDBClient(awsClientConfig()), storm.table, settings.stormObjects);
    }
  } finally {
    await stopMoto(handle.pid, handle.logFile);
  }

  const { report, tokens, keys } = storm;
  const unique = new Set(keys).size;
  const startsPerBatch = ratio(report.executions, tokens);
  rows.push(
    {
      metric: 'P3 starts per closed batch',
      subject: `storm ${report.objects} objects`,
      value: `${report.executions} executions / ${tokens} batches = ${startsPerBatch}`,
      target: 'exactly 1',
      verdict: verdict(startsPerBatch, { min: 1, max: 1 }),
      note: `${report.starts} StartPipelineExecution calls; batch sizes ${Math.min(...report.batchSizes)}–${Math.max(...report.batchSizes)}`,
    },
    {
      metric: 'P3 objects lost / doubled',
      subject: `storm ${report.objects} objects`,
      value: `${report.objects - unique} / ${keys.length - unique}`,
      target: '0 / 0',
      verdict: report.objects - unique === 0 && keys.length === unique ? 'met' : 'MISSED',
      note: `${report.deliveries} deliveries, ${report.sqsRecordsRedelivered} SQS records redelivered`,
    },
    {
      metric: 'P4 write units per object',
      subject: `storm ${report.objects} objects`,
      value: String(report.writeUnitsPerObject),
      target: `≤ ${WRITE_UNITS_MAX} (floor 1)`,
      verdict: verdict(report.writeUnitsPerObject, { max: WRITE_UNITS_MAX }),
      note: `${Object.entries(report.writeUnitsByOperation)
        .map(([op, wu]) => `${op} ${+(wu / report.objects).toFixed(3)}`)
        .join(', ')}; ${writeUnitShares(report.writeUnitsByKind, report.objects, report.meteredBatches)}`,
    },
  );
  const perEvent = (r: typeof report) =>
    Object.entries(r.calls)
      .map(([op, n]) => `${op} ${+(n / r.deliveries).toFixed(3)}`)
      .join(', ');
  const steadyRatio = ratio(steady.report.objectEventsPerSecond, raw.putsPerSecond);
  rows.push({
    metric: 'P6 throughput',
    subject: `handler, first ${steady.report.objects} objects`,
    value: `${steady.report.objectEventsPerSecond} vs ${raw.putsPerSecond} PutItem/s = ${steadyRatio}`,
    target: `≥ ${THROUGHPUT_MIN_RATIO}`,
    verdict: verdict(steadyRatio, { min: THROUGHPUT_MIN_RATIO }),
    note: `bench CPU ${steadyCpuMsPerEvent.toFixed(2)} ms/event; DynamoDB calls per object event: ${perEvent(steady.report)}`,
  });
  if (storm !== steady && sustainedRaw.length > 0) {
    const reference = combineRates(...sustainedRaw);
    const sustained = ratio(report.objectEventsPerSecond, reference.putsPerSecond);
    const windowRatios = report.windows
      .slice(0, sustainedRaw.length)
      .map((w, i) => ratio(w.deliveriesPerSecond, sustainedRaw[i]!.putsPerSecond));
    rows.push({
      metric: 'P6 throughput',
      subject: `handler, sustained ${report.objects} objects`,
      value: `${report.objectEventsPerSecond} vs ${reference.putsPerSecond} PutItem/s = ${sustained}`,
      target: `≥ ${THROUGHPUT_MIN_RATIO}`,
      verdict: verdict(sustained, { min: THROUGHPUT_MIN_RATIO }),
      note: `per window ${windowRatios.join(' ')}; calls per object event: ${perEvent(report)}`,
    });
  }
  for (const [when, c] of [
    ['fresh table', freshCosts],
    [`storm's table after ${grownCosts?.items ?? 0} objects`, grownCosts],
  ] as const)
    if (c)
      rows.push({
        metric: 'P6 moto per call (median)',
        subject: when,
        value: `PutItem ${ms(c.putItemMs)}, Query ${ms(c.queryMs)}`,
        target: '',
        verdict: '',
        note: `BatchGetItem ${ms(c.batchGetItemMs)}, TransactWriteItems ${ms(c.transactWriteItemsMs)}`,
      });

  const table = formatTable(rows);
  const results = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    settings,
    coldInit: cold,
    cliStart,
    bundles,
    calls,
    storm: report,
    steady: { ...steady.report, cpuMsPerEvent: steadyCpuMsPerEvent },
    stormBatches: tokens,
    raw,
    sustainedRaw,
    motoCosts: { fresh: freshCosts, grown: grownCosts },
    table: rows,
  };
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (writeDocs) writeResultsToDocs(results);
  process.stdout.write(
    `${table}\n\nbare node (the floor): ${ms(bare.medianMs)}; written: bench/results.json${writeDocs ? ', docs/performance.md' : ''}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
