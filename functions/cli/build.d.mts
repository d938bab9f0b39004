/** functions/cli/build.mjs: the built CLI's entry (a file: URL), undefined when it cannot be built. */
export function builtCli(options?: { quiet?: boolean }): Promise<string | undefined>;
