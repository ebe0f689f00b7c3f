import { describe, expect, it } from 'vitest';
import { isIgnored, parseDockerignore } from './dockerignore.ts';

describe('dockerignore matching (moby patternmatcher semantics)', () => {
  it('matches from the context root; * stays in a segment, ** spans segments', () => {
    const rules = parseDockerignore('# comment\n/.git\n*.log\n**/.env*\ndocs/**/*.png\n');
    expect(isIgnored(rules, '.git')).toBe(true);
    expect(isIgnored(rules, '.git/config')).toBe(true);
    expect(isIgnored(rules, 'apps/.git')).toBe(false);
    expect(isIgnored(rules, 'a.log')).toBe(true);
    expect(isIgnored(rules, 'logs/a.log')).toBe(false);
    expect(isIgnored(rules, '.env')).toBe(true);
    expect(isIgnored(rules, 'apps/api/.env.production')).toBe(true);
    expect(isIgnored(rules, 'docs/a.png')).toBe(true);
    expect(isIgnored(rules, 'docs/x/y/a.png')).toBe(true);
  });

  it('the last matching pattern wins, so ! re-includes', () => {
    const rules = parseDockerignore('*\n!apps\n**/.env*\n!**/.env.example\n');
    expect(isIgnored(rules, 'README.md')).toBe(true);
    expect(isIgnored(rules, 'apps/api/src/main.ts')).toBe(false);
    expect(isIgnored(rules, 'apps/api/.env')).toBe(true);
    expect(isIgnored(rules, 'apps/api/.env.example')).toBe(false);
    expect(isIgnored(parseDockerignore('*\n!.git\n'), '.git')).toBe(false);
  });

  it('character classes, ? and escapes', () => {
    const rules = parseDockerignore('file[0-9].txt\n?.md\nweird\\*name\n');
    expect(isIgnored(rules, 'file7.txt')).toBe(true);
    expect(isIgnored(rules, 'filex.txt')).toBe(false);
    expect(isIgnored(rules, 'a.md')).toBe(true);
    expect(isIgnored(rules, 'ab.md')).toBe(false);
    expect(isIgnored(rules, 'weird*name')).toBe(true);
    expect(isIgnored(rules, 'weirdXname')).toBe(false);
  });
});
