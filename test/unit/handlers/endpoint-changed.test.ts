import { endpointChanged } from '../../../functions/handlers/endpoint-changed';
import { loadFixture } from '../../support/fixtures';
import { rollbackHarness } from '../../support/rollback-harness';

describe('endpointChanged', () => {
  it('learns the config and its model package from a real IN_SERVICE event (epoch-ms time), once', async () => {
    const h = rollbackHarness();
    h.state.configPackages.set('MyEndpointConfig', 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g/7');
    const handle = endpointChanged(h.rollback, h.logger, h.clock.now);
    await handle(loadFixture('sagemaker-endpoint-state-change'));
    await handle(loadFixture('sagemaker-endpoint-state-change'));
    expect(await h.store.endpointHistory('MyEndpoint')).toEqual([
      {
        config: 'MyEndpointConfig',
        at: '2020-03-10T09:18:09.050Z',
        modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g/7',
      },
    ]);
    expect(h.kinds('rollback.endpoint-seen')).toHaveLength(1);
  });

  it('learns nothing from an endpoint that is still updating', async () => {
    const h = rollbackHarness();
    const e = loadFixture('sagemaker-endpoint-deployment-state-change.canary-baking.docs-repaired');
    e.detail.EndpointName = 'MyEndpoint';
    await endpointChanged(h.rollback, h.logger, h.clock.now)(e);
    expect(await h.store.endpointHistory('MyEndpoint')).toEqual([]);
    expect(h.decisions.decisions).toEqual([]);
  });

  it.each([
    [
      'an endpoint no binding names',
      () => loadFixture('sagemaker-endpoint-deployment-state-change.capacity-update.docs-repaired'),
      /no rollback binding names endpoint sample-endpoint/,
    ],
    ['a model package event', () => loadFixture('sagemaker-model-package-state-change'), /not a SageMaker endpoint/],
  ])('ignores %s', async (_w, event, reason) => {
    const h = rollbackHarness();
    await endpointChanged(h.rollback, h.logger, h.clock.now)(event());
    expect(h.kinds('rollback.ignore')).toEqual([expect.objectContaining({ reasons: [expect.stringMatching(reason)] })]);
  });
});
