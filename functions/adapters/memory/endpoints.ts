import { AwsCallError, EndpointConfigMissingError } from '../../domain/errors';
import type { EndpointState, Endpoints, Invoker } from '../../ports/endpoints';
import { rollbackWorld } from './rollback-world';
import type { MemoryWorld } from './world';

/**
 * SageMaker endpoints for the embedded backend. UpdateEndpoint leaves the endpoint Updating, as AWS
 * does; the simulation's endpoint events bring it back InService.
 */
export class MemoryEndpoints implements Endpoints, Invoker {
  constructor(private readonly world: MemoryWorld) {}

  private get state() {
    return rollbackWorld(this.world);
  }

  async describe(name: string): Promise<EndpointState | undefined> {
    const e = this.state.endpoints.get(name);
    return e && { ...e };
  }

  async packageOf(config: string): Promise<string | undefined> {
    return this.state.configPackages.get(config);
  }

  async configExists(config: string): Promise<boolean> {
    return this.state.configPackages.has(config);
  }

  async update(name: string, config: string): Promise<void> {
    const e = this.state.endpoints.get(name);
    const missing = (what: string) =>
      Object.assign(new Error(`simulated ValidationException: Could not find ${what}`), {
        name: 'ValidationException',
      });
    if (!e) throw new AwsCallError('sagemaker', 'UpdateEndpoint', missing(`endpoint ${name}`));
    if (!this.state.configPackages.has(config))
      throw new EndpointConfigMissingError(config, missing(`endpoint configuration ${config}`));
    this.world.record('sagemaker', 'UpdateEndpoint', {
      EndpointName: name,
      EndpointConfigName: config,
      RetainAllVariantProperties: true,
    });
    // Like AWS: the endpoint serves its current config while Updating; the InService event moves it.
    e.status = 'Updating';
  }

  async invoke(name: string, _body: string, _contentType: string): Promise<{ body: string; contentType?: string }> {
    const e = this.state.endpoints.get(name);
    if (!e)
      throw new AwsCallError(
        'sagemaker-runtime',
        'InvokeEndpoint',
        Object.assign(new Error(`simulated ValidationException: endpoint ${name} not found`), {
          name: 'ValidationException',
        }),
      );
    return { body: this.state.responses.get(name) ?? '', contentType: 'application/json' };
  }
}
