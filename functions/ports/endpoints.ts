/** SageMaker real-time endpoints: what is live, which package it serves, move to another config. */
export interface EndpointState {
  name: string;
  status: string;
  config: string;
}

export interface Endpoints {
  describe(name: string): Promise<EndpointState | undefined>;
  /** The model package behind a config (config → model → ModelPackageName), if it was deployed from one. */
  packageOf(config: string): Promise<string | undefined>;
  /** DescribeEndpointConfig: false once the config was deleted (an endpoint cannot return to it). */
  configExists(config: string): Promise<boolean>;
  /** Throws EndpointConfigMissingError when `config` was deleted, AwsCallError on any other failure. */
  update(name: string, config: string): Promise<void>;
}

/** InvokeEndpoint (SageMaker runtime): the hooks' smoke request. */
export interface Invoker {
  invoke(name: string, body: string, contentType: string): Promise<{ body: string; contentType?: string }>;
}
