import type { Command } from 'commander';
import { registerVerdict } from '../package-verdict';

/** `mlops-controller reject <package-arn> --reason <text>`: rolls nothing back by itself (see `rollback`). */
export function register(program: Command): void {
  registerVerdict(program, 'reject', 'Rejected');
}
