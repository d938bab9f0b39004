/**
 * The run-wide half of the IAM proof (called from the integration project's globalSetup and
 * globalTeardown): the setup gives every test worker one directory for its recorded calls; the
 * teardown, after a whole `npm test` (both projects, no filter), runs the statement-deletion upper
 * bound over them and fails the run for any grant no recorded call needs and nothing explains.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledCommands } from '../packaged-template';
import { iamActionsOfCommand } from './iam-actions';
import { functionsOfStack } from './iam-evaluate';
import { UNRECORDED, grantName, readRecords, unrecordedFailures, upperBound } from './iam-upper-bound';

export function iamCallsSetup(): void {
  process.env.IAM_CALLS_DIR ??= mkdtempSync(join(tmpdir(), 'iam-calls-'));
}

type GlobalConfig = {
  testPathPatterns?: { patterns?: string[] };
  testNamePattern?: string;
  onlyChanged?: boolean;
  findRelatedTests?: boolean;
};

/** A whole run: the bound needs every project's calls. */
function wholeRun(config: GlobalConfig): boolean {
  const filtered =
    (config.testPathPatterns?.patterns?.length ?? 0) > 0 ||
    Boolean(config.testNamePattern) ||
    config.onlyChanged ||
    config.findRelatedTests ||
    process.argv.some((a) => /^--(selectProjects|shard|testPathPatterns?|testNamePattern)\b|^-t$/.test(a));
  return !filtered;
}

export async function iamCallsTeardown(config: GlobalConfig): Promise<void> {
  const dir = process.env.IAM_CALLS_DIR;
  if (!dir) return;
  try {
    if (!wholeRun(config) && process.env.IAM_UPPER_BOUND !== 'always') return;
    const records = readRecords(dir);
    const started = Date.now();
    const bound = await upperBound(records);
    // A grant no recorded call needs but the function's bundled code can call is on a path no test
    // drives with a recorded call (the memory layer journals writes only): a failure unless
    // UNRECORDED (iam-upper-bound.ts) says why. One the code cannot call at all is an over-grant.
    const stack = functionsOfStack();
    const commands = await bundledCommands(stack.map((f) => `functions/handlers/${f.handler}.ts`));
    const callable = new Map(
      stack.map((f) => [
        f.key,
        new Set([...(commands.get(`functions/handlers/${f.handler}.ts`) ?? [])].flatMap(iamActionsOfCommand)),
      ]),
    );
    // The decision sinks (functions/config/decision-*-sink.ts) are bundled into every function
    // whose policy names a bus or topic; controller.yml, which the bundles above are built from,
    // names neither.
    for (const actions of callable.values()) actions.add('events:PutEvents').add('sns:Publish');
    const unreachable: string[] = [];
    const unrecorded: string[] = [];
    for (const g of bound.unneeded)
      (!g.action || callable.get(g.fn)?.has(g.action) ? unrecorded : unreachable).push(grantName(g));
    const summary = {
      ...bound,
      exempted: bound.exempted.map(grantName),
      unrecorded,
      unneeded: unreachable,
      boundMs: Date.now() - started,
    };
    const report = join(tmpdir(), 'mlops-controller-iam-bound.json');
    writeFileSync(report, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(
      `IAM: ${bound.recordedCalls} calls recorded, ${bound.attributedCalls} attributed to a function, ` +
        `${bound.evaluations} authorizations evaluated, ${bound.distinctPairs} distinct (function, action, resource); ` +
        `${bound.statementsChecked} statements / ${bound.actionsChecked} actions checked by deletion: ` +
        `${bound.actionsChecked - bound.unneeded.length - bound.exempted.length} needed by a recorded call, ` +
        `${bound.exempted.length} exempt (used by Lambda itself), ${unrecorded.length} on paths with no recorded call ` +
        `(${unrecorded.filter((g) => g in UNRECORDED).length} listed in UNRECORDED), ` +
        `${unreachable.length} never needed (details: ${report})`,
    );
    const failures = unrecordedFailures(unrecorded, unreachable, wholeRun(config));
    if (failures.length > 0) throw new Error(`IAM upper bound:\n  ${failures.join('\n  ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
