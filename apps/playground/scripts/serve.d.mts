import type { Server } from 'node:http';
export declare const ISOLATION_HEADERS: Readonly<Record<string, string>>;
/** ISOLATION_HEADERS and `X-Content-Type-Options: nosniff`: on every response. */
export declare const RESPONSE_HEADERS: Readonly<Record<string, string>>;
/** Serves `mounts` (URL prefix ending in '/' → directory); resolves once listening. */
export declare function serveStatic(mounts: Record<string, string>, options?: { host?: string; port?: number }): Promise<{ server: Server; url: string }>;
/** `npm run playground`'s flags, or one line naming the flag and the value. */
export declare function parseServeArgs(argv: string[]): { help: true } | { port: number; host: string } | { error: string };
