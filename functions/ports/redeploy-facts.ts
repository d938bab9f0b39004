/** What a CodeDeploy redeploy reads about the platform it deploys to (never writes). */
export interface LambdaAliases {
  /** lambda GetAlias: the version the alias serves now; undefined when the alias or function does not exist. */
  liveVersion(functionName: string, alias: string): Promise<string | undefined>;
}

export interface TaskDefinitions {
  /** ecs DescribeTaskDefinition: ACTIVE, INACTIVE or DELETE_IN_PROGRESS; undefined when it does not exist. */
  status(taskDefinition: string): Promise<string | undefined>;
}
