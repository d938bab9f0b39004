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
  .argument('<scenario>', 'scenario file (YAML or JSON)')
  .option('--json', 'print one JSON document {actions, decisions} instead of the timeline')
  .description('run a scenario through the real handlers on the in-memory backend with a simulated clock')
  .action(async (file: string, options: { json?: boolean }) => {
    const result = await simulate(file);
    if (options.json)
      console.log(
        JSON.stringify({ scenario: result.scenario, actions: result.actions, decisions: result.decisions }, null, 2),
      );
    else console.log(result.timeline.join('\n'));
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
