import type { Server } from 'node:http';
export declare function startDemo(options?: { port?: number }): Promise<{ server: Server; url: string }>;
