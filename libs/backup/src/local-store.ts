import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BackupError, describeError } from './errors.ts';
import type { BackupStore, StoredFile } from './store.ts';

const PARTIAL = '.partial';

/** Backups in a local directory: each file is written as `<name>.partial` and renamed when complete. */
export function localStore(directory: string): BackupStore {
  const root = resolve(directory);
  const pathOf = (name: string) => join(root, name);
  return {
    location: root,
    kind: 'local',
    describe: pathOf,
    localPath: pathOf,
    async list() {
      let names: string[];
      try {
        names = await readdir(root);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new BackupError(`cannot list ${root}: ${describeError(error)}`, { cause: error });
      }
      const files: StoredFile[] = [];
      for (const name of names.filter((n) => !n.endsWith(PARTIAL))) {
        const info = await stat(pathOf(name)).catch(() => undefined);
        if (info?.isFile()) files.push({ name, size: info.size });
      }
      return files;
    },
    async write(name, body) {
      const partial = pathOf(name) + PARTIAL;
      try {
        await mkdir(root, { recursive: true });
        await pipeline(body, createWriteStream(partial, { flags: 'wx' }));
        await rename(partial, pathOf(name));
      } catch (error) {
        body.destroy();
        await rm(partial, { force: true }).catch(() => undefined);
        if (error instanceof BackupError) throw error;
        if (isFileSystemError(error)) {
          throw new BackupError(`cannot write ${pathOf(name)}: ${describeError(error)}`, {
            remedy: 'choose a writable directory with free space (--destination) or fix its permissions',
            cause: error,
          });
        }
        throw error;
      }
    },
    async read(name) {
      const path = pathOf(name);
      await stat(path).catch((error) => {
        throw new BackupError(`cannot read ${path}: ${describeError(error)}`, { cause: error });
      });
      return createReadStream(path);
    },
    async remove(name) {
      await rm(pathOf(name), { force: true });
    },
  };
}

function isFileSystemError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && (error as NodeJS.ErrnoException).syscall !== undefined;
}
