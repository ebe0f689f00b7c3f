import { describe, expect, it } from 'vitest';
import { text } from 'node:stream/consumers';
import { runPipeline, type PipelineCommand } from '../src/process-pipeline.ts';

const sh = (label: string, script: string): PipelineCommand => ({ label, file: 'sh', args: ['-c', script] });

describe('runPipeline', () => {
  it('joins the programs like a shell pipe and ends the output only after all exited with 0', async () => {
    const pipeline = runPipeline([sh('source', 'head -c 3000000 /dev/zero'), sh('counter', 'wc -c')]);
    const [output] = await Promise.all([text(pipeline.output), pipeline.done]);
    expect(output.trim()).toBe('3000000');
  });

  it('blames a failing downstream program, not the upstream one it cut off', async () => {
    const pipeline = runPipeline([
      sh('producer', 'exec yes'),
      sh('consumer', 'head -c 10 >/dev/null; echo "disk full" >&2; exit 3'),
    ]);
    pipeline.output.resume().on('error', () => undefined);
    await expect(pipeline.done).rejects.toThrow(/^consumer failed \(exit 3\): disk full$/);
  });

  it('keeps blaming the downstream program when it exits on its own after our stop signal', async () => {
    // The consumer closes its input first (the producer dies of SIGPIPE, so we signal the consumer), then
    // fails on its own: the report must name its exit, not the SIGPIPE nor our signal.
    const pipeline = runPipeline([
      sh('producer', 'exec yes'),
      sh('consumer', 'trap "" TERM; head -c 10 >/dev/null; exec 0<&-; sleep 0.2; echo "disk full" >&2; exit 3'),
    ]);
    pipeline.output.resume().on('error', () => undefined);
    await expect(pipeline.done).rejects.toThrow(/^consumer failed \(exit 3\): disk full$/);
  });

  it('fails the output of a pipeline whose first program dies, even though the last one succeeded', async () => {
    const pipeline = runPipeline([
      sh('dumper', 'echo partial; echo "connection lost" >&2; exit 2'),
      sh('compressor', 'cat'),
    ]);
    await expect(text(pipeline.output)).rejects.toThrow(/dumper failed \(exit 2\): connection lost/);
    await expect(pipeline.done).rejects.toThrow(/dumper failed/);
  });

  it('names a program that is not installed', async () => {
    const pipeline = runPipeline([
      sh('dumper', 'echo data'),
      { label: 'zstd', file: '/nonexistent/zstd', args: [], remedy: 'install zstd' },
    ]);
    pipeline.output.on('error', () => undefined);
    await expect(pipeline.done).rejects.toThrow('zstd not found (/nonexistent/zstd)');
  });

  it('stops every program on abort', async () => {
    // exec: the signal must reach the programs themselves, not a shell that forked them.
    const pipeline = runPipeline([sh('producer', 'exec yes'), sh('consumer', 'exec cat')]);
    pipeline.output.on('error', () => undefined);
    pipeline.abort();
    await expect(pipeline.done).rejects.toThrow(/killed by SIGTERM/);
  });
});
