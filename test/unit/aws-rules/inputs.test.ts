import { approvalInput } from '../../../functions/adapters/aws/model-registry';
import { rejectInput } from '../../../functions/adapters/aws/package-status';
import { validateRequest } from '../../support/aws-rules/models';

const arn = 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-models/2';
const summary = [
  'REJECT by gate churn-quality: critical check failed. Champion: churn-models/1.',
  'auc=0.8 (champion 0.84) FAIL critical: worse by 0.04 > 0.01 allowed',
  'f1=0.69 PASS critical: ≥ min 0.6',
].join('\n');

describe('UpdateModelPackage inputs the adapters build', () => {
  it('turn a multi-line gate summary into the one-line ApprovalDescription SageMaker accepts', () => {
    const input = approvalInput(arn, 'Rejected', summary);
    expect(validateRequest('sagemaker', 'UpdateModelPackage', input)).toEqual([]);
    expect(input.ApprovalDescription).toBe(summary.split('\n').join(' | '));
  });

  it('keep a rejection reason with line breaks valid too', () => {
    expect(validateRequest('sagemaker', 'UpdateModelPackage', rejectInput(arn, `alarm fired\r\n${summary}`))).toEqual(
      [],
    );
  });

  it('still clip a long description to the model max after joining', () => {
    const input = approvalInput(arn, 'Approved', Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n'));
    expect(input.ApprovalDescription).toHaveLength(1024);
    expect(validateRequest('sagemaker', 'UpdateModelPackage', input)).toEqual([]);
  });
});
