import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDockerfilePolicy, splitReference } from './dockerfile-policy.ts';

const goodIgnore = '.git\n**/.env*\n';
const rules = (dockerfile: string, extra: { dockerignore?: string; buildArgs?: Record<string, string> } = {}) =>
  checkDockerfilePolicy({ dockerfile, dockerignore: goodIgnore, ...extra }).map((f) => `${f.line ?? '-'} ${f.rule}`);

describe('checkDockerfilePolicy', () => {
  it('passes the repository’s own Dockerfiles and .dockerignore', () => {
    const root = resolve(import.meta.dirname, '../../..');
    const dockerignore = readFileSync(resolve(root, '.dockerignore'), 'utf8');
    for (const app of ['api', 'web']) {
      const dockerfile = readFileSync(resolve(root, `apps/${app}/Dockerfile`), 'utf8');
      expect(checkDockerfilePolicy({ dockerfile, dockerignore })).toEqual([]);
    }
  });

  it('resolves FROM ${ARG} through global ARG defaults and build args', () => {
    const dockerfile = 'ARG BASE=node:22\nFROM ${BASE}\nUSER node\nHEALTHCHECK CMD true\n';
    expect(rules(dockerfile)).toEqual([]);
    expect(rules(dockerfile, { buildArgs: { BASE: 'node' } })).toEqual(['2 unpinned-base-image']);
    expect(rules(dockerfile, { buildArgs: { BASE: 'node:latest' } })).toEqual(['2 unpinned-base-image']);
    expect(rules(dockerfile, { buildArgs: { BASE: 'node@sha256:' + 'a'.repeat(64) } })).toEqual([]);
    expect(rules('ARG BASE\nFROM ${BASE:-debian:12}\nUSER 1000\nHEALTHCHECK CMD true\n')).toEqual([]);
  });

  it('stage references, scratch and --platform flags are not base images to pin', () => {
    const dockerfile =
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS Build\nFROM scratch AS empty\nFROM build\nUSER 65532\nHEALTHCHECK CMD ["/app", "health"]\n';
    expect(rules(dockerfile)).toEqual([]);
  });

  it('USER and HEALTHCHECK are read from the final stage, inherited from the stage it starts from', () => {
    const inherited = 'FROM node:22 AS base\nUSER node\nHEALTHCHECK CMD true\nFROM base\nRUN true\n';
    expect(rules(inherited)).toEqual([]);
    const notInherited = 'FROM node:22 AS base\nUSER node\nHEALTHCHECK CMD true\nFROM node:22\nRUN true\n';
    expect(rules(notInherited)).toEqual(['4 non-root-user', '4 healthcheck']);
    expect(rules('FROM node:22\nUSER node\nHEALTHCHECK CMD true\nUSER 0:0\nHEALTHCHECK NONE\n')).toEqual([
      '4 non-root-user',
      '5 healthcheck',
    ]);
  });

  it('finds secret-looking names in ENV and ARG, across line continuations, but not in values', () => {
    const dockerfile =
      'FROM node:22\nARG GITHUB_TOKEN\nENV A=1 \\\n    STRIPE_API_KEY=x\nENV LOG=password\nUSER node\nHEALTHCHECK CMD true\n';
    expect(rules(dockerfile)).toEqual(['2 secret-in-env', '3 secret-in-env']);
  });

  it('requires a .dockerignore that excludes .git and .env files', () => {
    const dockerfile = 'FROM node:22\nUSER node\nHEALTHCHECK CMD true\n';
    expect(rules(dockerfile, { dockerignore: undefined })).toEqual(['- dockerignore']);
    expect(
      checkDockerfilePolicy({ dockerfile, dockerignore: '.git\n.env\n', projectRoot: 'apps/shop' })[0]!.message,
    ).toBe(
      '.dockerignore does not exclude .env.dev, .env.production, apps/shop/.env, apps/shop/.env.production (add .git and **/.env*)',
    );
    // Built from its own folder, the project's .env files are the context's own.
    expect(checkDockerfilePolicy({ dockerfile, dockerignore: '.git\n.env\n', projectRoot: '.' })[0]!.message).toBe(
      '.dockerignore does not exclude .env.dev, .env.production (add .git and **/.env*)',
    );
  });

  it('splitReference keeps registry ports apart from tags', () => {
    expect(splitReference('localhost:5000/app:1.2@sha256:ab')).toEqual({
      name: 'localhost:5000/app',
      tag: '1.2',
      digest: 'sha256:ab',
    });
    expect(splitReference('localhost:5000/app')).toEqual({ name: 'localhost:5000/app', digest: undefined });
  });
});
