import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { parsePolicyText } from '../config/policy';
import { ControllerError, PolicyError } from '../domain/errors';
import { simulate } from './simulate';

const program = new Command()
  .name('mlops-controller')
  .description('Serverless MLOps controller: validate a policy, simulate scenarios on the embedded backend.');

program
  .command('validate')
  .argument('<file>', 'policy file (YAML or JSON)')
  .description('check a policy file; prints every problem with its path')
  .action((file: string) => {
    const policy = parsePolicyText(readFileSync(file, 'utf8'));
    console.log(`${file}: valid (${policy.retraining.length} retraining rules)`);
  });

program
  .command('simulate')
  .argument('<scenarios...>', "scenario file(s) (YAML or JSON); several run one after another (the demo's chapters)")
  .option('--json', 'print one JSON document {actions, decisions} per scenario instead of the timeline')
  .option('--duplicates <n>', 'deliver every event n times, extra copies in seeded random order', Number)
  .option('--seed <n>', "seed of the duplicates' order", Number)
  .description('run scenarios through the real handlers on the in-memory backend with a simulated clock')
  .action(async (files: string[], options: { json?: boolean; duplicates?: number; seed?: number }) => {
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
  .option('--policy <file>', 'policy file', 'controller.yml')
  .option('--table <name>', 'state table (default: $STATE_TABLE)')
  .description(
    're-enable promotions into a stage frozen by an alarm (EnableStageTransition), with your AWS credentials',
  )
  .action(async (pipeline: string, stage: string, options: { policy: string; table?: string }) => {
    const table = options.table ?? process.env.STATE_TABLE;
    if (!table) throw new ControllerError('unfreeze needs the state table: --table <name> or STATE_TABLE');
    const { unfreeze } = await import('./unfreeze');
    const known = await unfreeze({
      policy: parsePolicyText(readFileSync(options.policy, 'utf8')),
      pipeline,
      stage,
      table,
      by: process.env.USER ?? 'a person',
      logger: { info: () => {}, warn: (m) => console.error(m), error: (m) => console.error(m) },
    });
    console.log(`${pipeline}/${stage}: transition enabled${known ? '' : ' (no freeze was recorded for it)'}`);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof PolicyError) console.error(error.message);
  else if (error instanceof ControllerError) console.error(`error: ${error.message}`);
  else if ((error as NodeJS.ErrnoException).code === 'ENOENT') console.error(`error: ${(error as Error).message}`);
  else throw error;
  process.exitCode = 1;
}
