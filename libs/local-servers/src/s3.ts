import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';

export interface TestS3Server {
  /** http://127.0.0.1:<port>, for an S3 client with forcePathStyle. */
  endpoint: string;
  port: number;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** The server process while it runs (benchmarks read its CPU time: it shares the machine). */
  readonly pid: number | undefined;
  /** Where the server keeps buckets and objects (and `<bucket>/._S3rver_uploads/` for open multipart uploads). */
  directory: string;
  /** Ids of multipart uploads that were started and neither completed nor aborted. */
  openMultipartUploads(bucket: string): Promise<string[]>;
  /** SIGKILLs the server process, as a crash would: connections drop, nothing is flushed. */
  kill(): Promise<void>;
  /** Starts a new server process on the same port and data after stop() or kill(). */
  restart(): Promise<void>;
  /** Stops the server and removes its data (kept when `directory` was given). */
  stop(): Promise<void>;
}

export interface StartS3ServerOptions {
  buckets?: string[];
  /** Keep buckets and objects here across restarts (the local stack); default: a temporary directory removed by stop(). */
  directory?: string;
  /** Default: a free port. */
  port?: number;
}

// s3rver's default credentials; it checks request signatures against them.
const accessKeyId = 'S3RVER';
const secretAccessKey = 'S3RVER';

/**
 * A real S3-protocol server (s3rver) on 127.0.0.1, in a child process so tests can kill it mid-request.
 * s3rver lacks AbortMultipartUpload and ListMultipartUploads; the child adds both on top of its
 * filesystem store so clients can clean up failed uploads and tests can prove they did.
 */
export async function startS3Server(options: StartS3ServerOptions = {}): Promise<TestS3Server> {
  const persistent = options.directory !== undefined;
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 's3-test-'));
  if (persistent) mkdirSync(directory, { recursive: true });
  const s3rverPath = createRequire(import.meta.url).resolve('s3rver');
  let port = options.port ?? 0;
  let child: ResultPromise | undefined;

  const start = async () => {
    const config = JSON.stringify({ s3rverPath, directory, port, buckets: options.buckets ?? [] });
    const process_ = execa(process.execPath, ['-e', childScript], {
      env: { S3_SERVER_CONFIG: config },
      stdin: 'ignore',
      reject: false,
      buffer: false,
    });
    child = process_;
    port = await readListeningPort(process_);
  };
  const halt = async (signal: NodeJS.Signals) => {
    if (!child) return;
    const running = child;
    child = undefined;
    running.kill(signal);
    await running;
  };
  await start();
  const onExit = () => child?.kill('SIGKILL');
  process.once('exit', onExit);

  return {
    get endpoint() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get pid() {
      return child?.pid;
    },
    accessKeyId,
    secretAccessKey,
    region: 'us-east-1',
    directory,
    openMultipartUploads: async (bucket) => listUploadIds(directory, bucket),
    kill: () => halt('SIGKILL'),
    restart: start,
    stop: async () => {
      process.off('exit', onExit);
      await halt('SIGTERM');
      if (!persistent) rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function listUploadIds(directory: string, bucket: string): Promise<string[]> {
  try {
    return await readdir(join(directory, bucket, '._S3rver_uploads'));
  } catch {
    return [];
  }
}

function readListeningPort(child: ResultPromise): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^listening (\d+)$/m.exec(output);
      if (match) resolve(Number(match[1]));
    });
    void child.then((result) =>
      reject(new Error(`S3 test server exited (${result.exitCode}): ${errors.slice(-2000)}`)),
    );
  });
}

// Runs in the child (CommonJS, plain JavaScript).
const childScript = String.raw`
const { s3rverPath, directory, port, buckets } = JSON.parse(process.env.S3_SERVER_CONFIG);
const fs = require('node:fs');
const path = require('node:path');
const S3rver = require(s3rverPath);

const server = new S3rver({
  address: '127.0.0.1',
  port,
  directory,
  silent: true,
  configureBuckets: buckets.map((name) => ({ name })),
});

const uploadsDir = (bucket) => path.join(directory, bucket, '._S3rver_uploads');
const noSuchUpload = (ctx, uploadId) => {
  ctx.status = 404;
  ctx.body = { Error: { Code: 'NoSuchUpload', Message: 'The specified upload does not exist.', UploadId: uploadId } };
};

async function multipartExtensions(ctx, next) {
  const [bucket, ...keyParts] = ctx.path.split('/').filter(Boolean).map(decodeURIComponent);
  if (!bucket) return next();
  if (ctx.method === 'DELETE' && keyParts.length > 0 && 'uploadId' in ctx.query) {
    const uploadId = String(ctx.query.uploadId);
    const dir = path.join(uploadsDir(bucket), path.basename(uploadId));
    if (!fs.existsSync(dir)) return noSuchUpload(ctx, uploadId);
    fs.rmSync(dir, { recursive: true, force: true });
    ctx.status = 204;
    return;
  }
  if (ctx.method === 'GET' && keyParts.length === 0 && 'uploads' in ctx.query) {
    const ids = fs.existsSync(uploadsDir(bucket)) ? fs.readdirSync(uploadsDir(bucket)) : [];
    const Upload = ids.map((UploadId) => ({
      Key: fs.readFileSync(path.join(uploadsDir(bucket), UploadId, 'key'), 'utf8'),
      UploadId,
    }));
    ctx.body = { ListMultipartUploadsResult: { Bucket: bucket, IsTruncated: false, Upload } };
    return;
  }
  return next();
}

// Before the router (the last middleware), after s3rver's XML encoder and path handling.
server.middleware.splice(server.middleware.length - 1, 0, multipartExtensions);
server.run().then(
  (address) => process.stdout.write('listening ' + address.port + '\n'),
  (error) => {
    process.stderr.write(String(error && error.stack || error) + '\n');
    process.exit(1);
  },
);
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
`;
