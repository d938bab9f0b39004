import { BatchGetProjectsCommand, ListProjectsCommand, type CodeBuildClient } from '@aws-sdk/client-codebuild';
import type { Lookup } from '../../../domain/resources';
import type { BuildInventory } from '../../../ports/inventory';
import { listedOnce, lookupFailure, offering } from './lookup';

/** BatchGetProjects takes at most 100 names per call. */
const PAGE = 100;

/**
 * BatchGetProjects answers the names it knows in `projects` and the others in `projectsNotFound`
 * (a name in neither is absent too); a miss offers the account's projects (ListProjects, one page
 * of 100 names).
 */
export class CodeBuildInventory implements BuildInventory {
  private readonly names = listedOnce(
    async () => (await this.client.send(new ListProjectsCommand({ sortBy: 'NAME' }))).projects ?? [],
  );

  constructor(private readonly client: CodeBuildClient) {}

  async projects(names: readonly string[]): Promise<Map<string, Lookup<object>>> {
    const found = new Map<string, Lookup<object>>();
    for (let i = 0; i < names.length; i += PAGE) {
      const page = names.slice(i, i + PAGE);
      try {
        const out = await this.client.send(new BatchGetProjectsCommand({ names: page }));
        const known = new Set((out.projects ?? []).flatMap((p) => [p.name, p.arn]));
        for (const n of page)
          found.set(
            n,
            known.has(n)
              ? { state: 'present', facts: {} }
              : await offering({ state: 'missing', detail: 'BatchGetProjects: projectsNotFound' }, this.names),
          );
      } catch (error) {
        const failure = lookupFailure(error, []);
        for (const n of page) found.set(n, failure);
      }
    }
    return found;
  }
}
