import { readFileSync } from 'node:fs';
import type { Command } from 'commander';

/**
 * Exit codes (docs/policy.md, "Validating a policy"): 0 valid (warnings printed); 1 an error in the
 * policy, or --aws found a named resource missing or of the wrong kind; 2 only warnings, with
 * --strict; 3 --aws could not check a resource (access denied, throttled, unreachable) and found
 * nothing wrong with the rest.
 */
export const EXIT = { valid: 0, invalid: 1, warnings: 2, unchecked: 3 } as const;

export function register(program: Command): void {
  program
    .command('validate')
    .argument('<file>', 'policy file (YAML or JSON)')
    .option('--strict', `warnings fail too (exit ${EXIT.warnings})`)
    .option(
      '--aws',
      'also check, with read-only calls and your credentials, that every named AWS resource exists and is of the right kind',
    )
    .description(
      'check a policy file and that one stack can serve it (one account, one region: --region); prints every problem with its path and what to write',
    )
    .action(async (file: string, options: { strict?: boolean; aws?: boolean }) => {
      // The schema (zod) and the YAML parser load here, not for --help; the SDK only with --aws.
      const { validateOffline, counts } = await import('../validate');
      const region = program.opts<{ region?: string }>().region;
      const report = validateOffline(readFileSync(file, 'utf8'), region ? { region } : {});
      for (const w of report.warnings) console.error(`warning: ${w}`);
      if (report.errors.length > 0 || !report.policy) {
        console.error(`${file}: policy is invalid:\n  ${report.errors.join('\n  ')}`);
        process.exitCode = EXIT.invalid;
        return;
      }
      let unchecked = 0;
      if (options.aws) {
        const { checkAws, awsClients, formatCalls } = await import('../validate-aws');
        const found = await checkAws(report.policy, awsClients());
        for (const w of found.warnings) console.error(`warning: ${w}`);
        report.warnings.push(...found.warnings);
        for (const u of found.unchecked) console.error(`not checked: ${u}`);
        unchecked = found.unchecked.length;
        console.error(`${file}: ${formatCalls(found.calls)}`);
        if (found.errors.length > 0) {
          console.error(`${file}: AWS resources do not match the policy:\n  ${found.errors.join('\n  ')}`);
          process.exitCode = EXIT.invalid;
          return;
        }
      }
      const warned = report.warnings.length > 0 ? `; ${report.warnings.length} warning(s)` : '';
      const aws = !options.aws ? '' : unchecked > 0 ? `, AWS: ${unchecked} not checked` : ', AWS resources checked';
      console.log(`${file}: valid (${counts(report.policy)})${aws}${warned}`);
      if (options.strict && report.warnings.length > 0) process.exitCode = EXIT.warnings;
      else if (unchecked > 0) process.exitCode = EXIT.unchecked;
    });
}
