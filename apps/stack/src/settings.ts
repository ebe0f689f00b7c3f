import { resolve } from 'node:path';

/** Where the local stack keeps its data and which ports it uses; each can be moved with an environment variable. */
export interface StackSettings {
  dataDir: string;
  postgresPort: number;
  s3Port: number;
  apiPort: number;
  webPort: number;
}

export function stackSettings(workspaceRoot: string, env: NodeJS.ProcessEnv): StackSettings {
  return {
    dataDir: resolve(workspaceRoot, env.STACK_DATA_DIR ?? '.data'),
    postgresPort: port(env, 'STACK_POSTGRES_PORT', 54329),
    s3Port: port(env, 'STACK_S3_PORT', 9000),
    apiPort: port(env, 'STACK_API_PORT', 8080),
    webPort: port(env, 'STACK_WEB_PORT', 5173),
  };
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new Error(`${name} must be a port number, got '${raw}'`);
  return value;
}
