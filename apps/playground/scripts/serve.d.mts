import type { Server } from 'node:http';
export declare const ISOLATION_HEADERS: Readonly<Record<string, string>>;
/** Serves `mounts` (URL prefix ending in '/' → directory); resolves once listening. */
export declare function serveStatic(mounts: Record<string, string>, options?: { host?: string; port?: number }): Promise<{ server: Server; url: string }>;
