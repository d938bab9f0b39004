import type { Command } from 'commander';
import { registerVerdict } from '../package-verdict';

/** `mlops-controller approve <package-arn> --reason <text>`. */
export function register(program: Command): void {
  registerVerdict(program, 'approve', 'Approved');
}
