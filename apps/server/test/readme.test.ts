import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
const SAMPLE = /<!-- source: (\S+) -->\n```tsx?\n([\s\S]*?)```/g;

describe('README code samples', () => {
  const samples = [...readme.matchAll(SAMPLE)].map(([, path, code]) => ({
    path: path as string,
    code: code as string,
  }));

  it('has samples, each naming the compiled file it is copied from', () => {
    expect(samples.length).toBeGreaterThanOrEqual(4);
    expect(readme.match(/```tsx?\n/g)).toHaveLength(samples.length);
  });

  it.each(samples.map((sample, index) => [index, sample] as const))(
    'sample %i is verbatim in its source',
    (_, sample) => {
      expect(readFileSync(`${root}${sample.path}`, 'utf8')).toContain(sample.code);
    },
  );
});
