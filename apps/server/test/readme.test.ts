import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pages = ['README.md', ...readdirSync(`${root}docs`).map((name) => `docs/${name}`)].filter((page) =>
  page.endsWith('.md'),
);
const SAMPLE = /<!-- source: (\S+) -->\n```tsx?\n([\s\S]*?)```/g;

describe('code samples of the README and docs/', () => {
  const texts = pages.map((page) => readFileSync(`${root}${page}`, 'utf8'));
  const samples = texts.flatMap((text) =>
    [...text.matchAll(SAMPLE)].map(([, path, code]) => ({ path: path as string, code: code as string })),
  );

  it('has samples, each naming the compiled file it is copied from', () => {
    expect(samples.length).toBeGreaterThanOrEqual(6);
    const fenced = texts.reduce((count, text) => count + (text.match(/```tsx?\n/g)?.length ?? 0), 0);
    expect(fenced).toBe(samples.length);
  });

  it('keeps the README a manual of at most 10,000 characters', () => {
    expect(readFileSync(`${root}README.md`, 'utf8').length).toBeLessThanOrEqual(10_000);
  });

  it.each(samples.map((sample, index) => [index, sample] as const))(
    'sample %i is verbatim in its source',
    (_, sample) => {
      expect(readFileSync(`${root}${sample.path}`, 'utf8')).toContain(sample.code);
    },
  );
});
