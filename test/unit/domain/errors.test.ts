import {
  AwsCallError,
  ContentionError,
  ControllerError,
  EndpointConfigMissingError,
  PolicyError,
} from '../../../functions/domain/errors';

const cause = new Error('Rate exceeded');

describe('the error hierarchy', () => {
  it.each<[string, ControllerError, string, boolean]>([
    ['a plain controller error is not retried by default', new ControllerError('m'), 'ControllerError', false],
    ['a controller error can ask for a retry', new ControllerError('m', { retryable: true }), 'ControllerError', true],
    ['a broken policy is never retried', new PolicyError(['x']), 'PolicyError', false],
    ['a failed AWS call is retried', new AwsCallError('s', 'o', cause), 'AwsCallError', true],
    [
      'a deleted endpoint config is not retried',
      new EndpointConfigMissingError('c'),
      'EndpointConfigMissingError',
      false,
    ],
    ['lost contention is retried', new ContentionError('m'), 'ContentionError', true],
  ])('%s (%s, retryable %s)', (_, error, name, retryable) => {
    expect(error).toBeInstanceOf(ControllerError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.retryable).toBe(retryable);
  });

  it.each<[string, ControllerError, string]>([
    [
      'one policy problem',
      new PolicyError(['retraining[0].name: required']),
      'policy is invalid:\n  retraining[0].name: required',
    ],
    [
      'several policy problems, one a line',
      new PolicyError(['version: must be 1', 'gates[1].checks: list at least one check']),
      'policy is invalid:\n  version: must be 1\n  gates[1].checks: list at least one check',
    ],
    [
      'an AWS failure with an Error cause',
      new AwsCallError('sagemaker', 'UpdateEndpoint', cause),
      'sagemaker.UpdateEndpoint failed: Rate exceeded',
    ],
    [
      'an AWS failure with a string cause',
      new AwsCallError('codedeploy', 'StopDeployment', 'socket hang up'),
      'codedeploy.StopDeployment failed: socket hang up',
    ],
    [
      'a deleted endpoint config',
      new EndpointConfigMissingError('churn-cfg-7'),
      'endpoint config churn-cfg-7 no longer exists (deleted)',
    ],
    [
      'lost contention',
      new ContentionError('batch 3 was closed by another invocation'),
      'batch 3 was closed by another invocation',
    ],
  ])('the message users see for %s', (_, error, message) => {
    expect(error.message).toBe(message);
  });

  it.each<[string, ControllerError, unknown]>([
    ['a controller error', new ControllerError('m', { cause }), cause],
    ['an AWS failure', new AwsCallError('s', 'o', cause), cause],
    ['a deleted endpoint config', new EndpointConfigMissingError('c', cause), cause],
    ['lost contention', new ContentionError('m', cause), cause],
    ['a controller error without one', new ControllerError('m'), undefined],
  ])('keeps the cause of %s', (_, error, expected) => {
    expect(error.cause).toBe(expected);
  });

  it('keeps the problems and the config it names', () => {
    expect(new PolicyError(['a', 'b']).problems).toEqual(['a', 'b']);
    expect(new EndpointConfigMissingError('churn-cfg-7').config).toBe('churn-cfg-7');
  });
});
