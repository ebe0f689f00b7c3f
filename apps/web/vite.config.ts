import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

// Nx runs every command from the workspace root; anchoring root and outDir to this file keeps
// `vite --config apps/web/vite.config.ts` and `cd apps/web && vite` equivalent.
export const webRoot = fileURLToPath(new URL('.', import.meta.url));

export interface BuildIdentity {
  version: string;
  commit: string;
  buildTime: string;
}

/**
 * The same shape as the API's GET /version, from the same variables: docker-build passes APP_VERSION,
 * GIT_COMMIT and BUILD_TIME to the image build, a platform's build command sets them (see render.yaml).
 */
export function buildIdentity(env: Record<string, string | undefined>): BuildIdentity {
  const packageVersion = (
    JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return {
    version: env.APP_VERSION || packageVersion,
    commit: env.GIT_COMMIT || 'unknown',
    buildTime: env.BUILD_TIME || 'unknown',
  };
}

/** /version.json next to index.html, so a smoke check can tell which build of the storefront answers. */
function versionJson(): Plugin {
  return {
    name: 'shopops:version-json',
    apply: 'build',
    generateBundle() {
      const source = JSON.stringify(buildIdentity(process.env), null, 2) + '\n';
      this.emitFile({ type: 'asset', fileName: 'version.json', source });
    },
  };
}

export default defineConfig({
  root: webRoot,
  plugins: [vue(), versionJson()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
});
