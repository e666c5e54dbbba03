import type { Server } from 'node:http';
export declare const ISOLATION_HEADERS: Record<string, string>;
export declare function startServer(options?: { root?: string; routes?: Record<string, Uint8Array>; port?: number; host?: string }): Promise<{ server: Server; url: string }>;
