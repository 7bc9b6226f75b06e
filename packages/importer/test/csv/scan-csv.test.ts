import { describe, expect, it } from 'vitest';
import { estimateDataRows, RejectedFileError, scanCsvFile } from '../src/index';
import { importEnv, usersCsv } from './import-env';

/** Scans `content` with a column limit; the scan, or the message it refused the file with. */
async function scan(content: string | Buffer, maxColumns = 1_000) {
  await using env = await importEnv();
  const file = await env.file(content);
  return scanCsvFile(file, { maxColumns }).catch((error: unknown) => {
    expect(error).toBeInstanceOf(RejectedFileError);
    return (error as RejectedFileError).message;
  });
}

describe('estimateDataRows', () => {
  it.each([
    ['header and rows with a final newline', 'h\na\nb\n', 2],
    ['no final newline', 'h\na\nb', 2],
    ['CRLF line ends', 'h\r\na\r\nb\r\n', 2],
    ['header only', 'h\n', 0],
    ['header only, no newline', 'h', 0],
    ['an empty file', '', 0],
    ['a quoted newline (an upper bound)', 'h\n"a\nb"\n', 2],
  ])('counts %s', async (_case, content, expected) => {
    await using env = await importEnv();
    expect(await estimateDataRows(await env.file(content))).toBe(expected);
  });

  it('counts a large file across read chunks', async () => {
    await using env = await importEnv();
    expect(await estimateDataRows(await env.file(usersCsv(100_000)))).toBe(100_000);
  });
});

describe('scanCsvFile', () => {
  it.each([
    ['an empty file', ''],
    ['only a BOM', '\uFEFF'],
    ['only newlines', '\n\n\n'],
    ['only CRLFs', '\r\n\r\n'],
    ['only blank lines', '\uFEFF  \n\t\r\n \n'],
  ])('finds %s blank', async (_case, content) => {
    expect(await scan(content)).toMatchObject({ blank: true });
  });

  it.each([
    ['a header', 'email,name,role\n'],
    ['a lone comma', ',\n'],
    ['a lone quote pair', '""\n'],
  ])('finds %s not blank', async (_case, content) => {
    expect(await scan(content)).toMatchObject({ blank: false });
  });

  it('accepts rows up to the column limit and refuses the first wider one, numbered as a data row', async () => {
    expect(await scan('a,b,c\n1,2,3\n', 3)).toEqual({ dataRows: 1, blank: false });
    expect(await scan('a,b,c\n1,2,3\n\n4,5,6,7\n8\n', 3)).toBe('Row 2 has too many columns (more than 3)');
    expect(await scan('a,b,c,d\n1,2,3\n', 3)).toBe('The header has too many columns (more than 3)');
  });

  it('counts cells by record: commas inside quotes, quoted line ends and CR line ends are handled', async () => {
    expect(await scan('a,b,c\n"1,2,3,4",2,3\n', 3)).toMatchObject({ blank: false });
    expect(await scan('a,b,c\n"x\n,,,",2,3\n"y""z",2,3\n', 3)).toMatchObject({ blank: false });
    expect(await scan('a,b,c\r1,2,3\r4,5,6\r', 3)).toMatchObject({ blank: false });
    expect(await scan('a,b,c\r\n"x\r\n",2,3,4\r\n', 3)).toBe('Row 1 has too many columns (more than 3)');
  });

  it('refuses a row of millions of commas as soon as it passes the limit', async () => {
    const wide = Buffer.concat([Buffer.from('email,name,role\n'), Buffer.alloc(5_000_000, ',')]);
    expect(await scan(wide)).toBe('Row 1 has too many columns (more than 1000)');
  });
});
