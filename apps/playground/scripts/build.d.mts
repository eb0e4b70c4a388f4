/** Builds the playground into `out` (default apps/playground/dist); resolves with the directory. */
export declare function buildPlayground(options?: { out?: string; minify?: boolean }): Promise<string>;
