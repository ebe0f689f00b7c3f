import { describe, expect, it } from 'vitest';
import { MIN_PART_SIZE, PART_SIZE_WITHOUT_ESTIMATE, partSizeFor } from '../src/part-size.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('partSizeFor', () => {
  it('uses small parts for ordinary databases, keeping memory low', () => {
    expect(partSizeFor(750 * MiB)).toBe(MIN_PART_SIZE);
    expect(partSizeFor(30 * GiB)).toBe(MIN_PART_SIZE);
  });

  it('grows parts so twice the database fits in 9,000 parts, in whole MiB', () => {
    const size = partSizeFor(500 * GiB);
    expect(size % MiB).toBe(0);
    expect(size * 9_000).toBeGreaterThanOrEqual(2 * 500 * GiB);
    expect((size - MiB) * 9_000).toBeLessThan(2 * 500 * GiB);
  });

  it('fits a 500 GiB dump in 10,000 parts without an estimate', () => {
    expect(PART_SIZE_WITHOUT_ESTIMATE * 10_000).toBeGreaterThanOrEqual(500 * GiB);
    expect(partSizeFor(undefined)).toBe(PART_SIZE_WITHOUT_ESTIMATE);
  });
});
