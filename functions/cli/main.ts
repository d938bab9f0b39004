import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { Policy } from '../config/policy';
import { ControllerError, PolicyError } from '../domain/errors';
import { register as registerValidate } from './commands/validate';
import { register as registerRollback } from './commands/rollback';
import { register as registerApprove } from './commands/approve';
import { register as registerReject } from './commands/reject';
import { register as registerAnalyze } from './commands/analyze';
import { register as registerDecisions } from './commands/decisions';
import { register as registerQuarantine } from './commands/quarantine';
import { register as registerStatus } from './commands/status';
import { register as registerReport } from './commands/report';
import { register as registerWhatIf } from './commands/whatif';

/** package.json's, two levels up from this file and from its build (functions/cli/build.mjs). */
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The schema (zod) and the YAML parser load only for the commands that read a policy: not for --help. */
const readPolicy = async (file: string): Promise<Policy> =>
  (await import('../config/policy')).parsePolicyText(readFileSync(file, 'utf8'));

const program = new Command()
  .name('mlops-controller')
  .description('Serverless MLOps controller: validate a policy, simulate scenarios on the embedded backend.')
  .version(version, '-V, --version', 'print the version')
  .option('--region <region>', "AWS region of the stack (default: the SDK's: AWS_REGION, then the profile's)")
  .option('--profile <name>', "AWS profile for the commands that call AWS (default: the SDK's: AWS_PROFILE)")
  // The SDK's own chain reads both from the environment (fromIni takes AWS_PROFILE): every client
  // created afterwards, the handlers' in redrive included, uses them.
  .hook('preAction', (command) => {
    const { region, profile } = command.opts<{ region?: string; profile?: string }>();
    if (region) process.env.AWS_REGION = region;
    if (profile) process.env.AWS_PROFILE = profile;
  });

registerValidate(program);

program
  .command('simulate')
  .argument('<scenarios...>', "scenario file(s) (YAML or JSON); several run one after another (the demo's chapters)")
  .option('--json', 'print one JSON document {actions, decisions} per scenario instead of the timeline')
  .option('--duplicates <n>', 'deliver every event n times, extra copies in seeded random order', Number)
  .option('--seed <n>', "seed of the duplicates' order", Number)
  .description('run scenarios through the real handlers on the in-memory backend with a simulated clock')
  .action(async (files: string[], options: { json?: boolean; duplicates?: number; seed?: number }) => {
    // Loaded per command, as the AWS commands' modules are: `--help` and `validate` load neither.
    const { simulate } = await import('./simulate');
    const results = [];
    for (const file of files)
      results.push(await simulate(file, { duplicates: options.duplicates, seed: options.seed }));
    if (options.json) {
      const docs = results.map((r) => ({ scenario: r.scenario, actions: r.actions, decisions: r.decisions }));
      console.log(JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2));
    } else console.log(results.map((r) => r.timeline.join('\n')).join(`\n\n${'═'.repeat(100)}\n\n`));
  });

program
  .command('unfreeze')
  .argument('<pipeline>', 'CodePipeline pipeline whose stage the controller froze')
  .argument('<stage>', 'the frozen stage')
  .option('--policy <file>', 'the policy the stage was deployed with', 'controller.yml')
  .option('--table <name>', 'state table (default: $STATE_TABLE)')
  .description(
    're-enable promotions into a stage frozen by an alarm (EnableStageTransition), with your AWS credentials',
  )
  .action(async (pipeline: string, stage: string, options: { policy: string; table?: string }) => {
    const table = options.table ?? process.env.STATE_TABLE;
    if (!table) throw new ControllerError('unfreeze needs the state table: --table <name> or STATE_TABLE');
    const { unfreeze } = await import('./unfreeze');
    const known = await unfreeze({
      policy: await readPolicy(options.policy),
      pipeline,
      stage,
      table,
      by: process.env.USER ?? 'a person',
      logger: { info: () => {}, warn: (m) => console.error(m), error: (m) => console.error(m) },
    });
    console.log(`${pipeline}/${stage}: transition enabled${known ? '' : ' (no freeze was recorded for it)'}`);
  });

program
  .command('redrive')
  .argument('<dlq>', 'dead-letter queue URL or name')
  .option('--max <n>', 'replay at most this many messages', (v) => Number.parseInt(v, 10))
  .option('--dry-run', 'only show where each message would go')
  .option('--policy <file>', 'the policy the stage was deployed with', 'controller.yml')
  .option('--table <name>', 'state table (default: $STATE_TABLE)')
  .description(
    'replay dead-lettered messages through the same handlers; each is deleted only after its handler succeeded',
  )
  .action(async (dlq: string, options: { max?: number; dryRun?: boolean; policy: string; table?: string }) => {
    const table = options.table ?? process.env.STATE_TABLE;
    if (!table) throw new ControllerError('redrive needs the state table: --table <name> or STATE_TABLE');
    const { redriveWithHandlers } = await import('./operate');
    const report = await redriveWithHandlers({ queue: dlq, table, policyFile: options.policy, ...options });
    console.log(`${report.received} received, ${report.replayed} replayed, ${report.failed} kept in the queue`);
    if (report.failed > 0) process.exitCode = 1;
  });

registerDecisions(program);
registerStatus(program);
registerQuarantine(program);

for (const [command, paused] of [
  ['pause', true],
  ['resume', false],
] as const)
  program
    .command(command)
    .option('--table <name>', 'state table (default: $STATE_TABLE)')
    .option('--reason <text>', 'why (recorded with every withheld action)')
    .description(
      paused
        ? 'kill switch: withhold every write action of every function (within ~30 s, no redeploy)'
        : 'lift the kill switch; withheld decisions are not replayed',
    )
    .action(async (options: { table?: string; reason?: string }) => {
      const table = options.table ?? process.env.STATE_TABLE;
      if (!table) throw new ControllerError(`${command} needs the state table: --table <name> or STATE_TABLE`);
      const { setPaused } = await import('./operate');
      await setPaused(table, paused, process.env.USER ?? 'a person', options.reason);
      console.log(paused ? `${table}: paused; write actions are withheld` : `${table}: resumed`);
    });

registerRollback(program);
registerApprove(program);
registerReject(program);
registerAnalyze(program);
registerReport(program);
registerWhatIf(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof PolicyError) console.error(error.message);
  else if (error instanceof ControllerError) console.error(`error: ${error.message}`);
  else if ((error as NodeJS.ErrnoException).code === 'ENOENT') console.error(`error: ${(error as Error).message}`);
  else throw error;
  process.exitCode = 1;
}
