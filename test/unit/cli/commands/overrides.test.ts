/**
 * The override commands' arguments: every wrong one is a one-line error before anything is loaded
 * or called (the actions throw before their first dynamic import, so no AWS client exists).
 */
import { Command, CommanderError } from 'commander';
import { register as registerApprove } from '../../../../functions/cli/commands/approve';
import { register as registerReject } from '../../../../functions/cli/commands/reject';
import { register as registerRollback } from '../../../../functions/cli/commands/rollback';
import { overrideArgs } from '../../../../functions/cli/override-options';
import { ControllerError } from '../../../../functions/domain/errors';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3';

function run(...args: string[]): Promise<unknown> {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerRollback(program);
  registerApprove(program);
  registerReject(program);
  return program.parseAsync(['node', 'mlops-controller', ...args]);
}

describe('override command arguments', () => {
  it.each([
    [['rollback', 'live', '--table', 't'], "required option '--reason <text>' not specified"],
    [['approve', ARN], "required option '--reason <text>' not specified"],
    [['reject', '--reason', 'r'], "missing required argument 'package-arn'"],
    [['rollback', '--reason', 'r'], "missing required argument 'binding'"],
  ])('%j → %s', async (args, message) => {
    await expect(run(...args)).rejects.toThrow(CommanderError);
    await expect(run(...args)).rejects.toThrow(new RegExp(message.replace(/[[\]().*+?]/g, '\\$&')));
  });

  it.each([
    [['approve', 'churn/3', '--reason', 'r', '--table', 't'], 'approve: churn/3 is not a versioned model package ARN'],
    [['reject', `${ARN}x`, '--reason', 'r', '--table', 't'], `reject: ${ARN}x is not a versioned model package ARN`],
    [['approve', ARN, '--reason', '  ', '--table', 't', '--by', 'a'], 'approve: --reason must say why'],
    [
      ['rollback', 'live', '--reason', 'x'.repeat(501), '--table', 't', '--by', 'a'],
      'rollback: --reason is 501 characters',
    ],
    [['rollback', 'live', '--reason', 'r', '--table', 't', '--by', ' '], 'rollback: --by must name who acts'],
  ])('%j → %s', async (args, message) => {
    const failure = run(...args);
    await expect(failure).rejects.toThrow(ControllerError);
    await expect(failure).rejects.toThrow(message);
  });
});

describe('overrideArgs', () => {
  const flags = { reason: ' latency ', policy: 'controller.yml' };
  it('takes the table and the person from the environment when not given, trimmed', () => {
    expect(overrideArgs('rollback', flags, { STATE_TABLE: 'state', USER: 'alice ' })).toEqual({
      reason: 'latency',
      by: 'alice',
      table: 'state',
      policyFile: 'controller.yml',
    });
    expect(
      overrideArgs('rollback', { ...flags, table: 'mine', by: 'bob' }, { STATE_TABLE: 'state', USER: 'alice' }),
    ).toEqual(expect.objectContaining({ table: 'mine', by: 'bob' }));
  });

  it('without a table, or anyone to name, it says what to write', () => {
    expect(() => overrideArgs('approve', flags, { USER: 'alice' })).toThrow(
      new ControllerError('approve needs the state table: --table <name> or STATE_TABLE'),
    );
    expect(() => overrideArgs('approve', flags, { STATE_TABLE: 't' })).toThrow(
      new ControllerError('approve: --by must name who acts (default: $USER, which is not set)'),
    );
  });
});
