import { describe, expect, it } from 'vitest';
import { estimateDataRows, RejectedFileError, scanCsvFile } from '../../src/index';
import { importEnv, usersCsv } from '../import-env';

/** Scans `content`; the scan, or the message it refused the file with. */
async function scan(content: string | Buffer) {
  await using env = await importEnv();
  const file = await env.file(content);
  return scanCsvFile(file).catch((error: unknown) => {
    expect(error).toBeInstanceOf(RejectedFileError);
    return (error as RejectedFileError).message;
  });
}

describe('estimateDataRows', () => {
  it.each([
    ['header and rows with a final newline', 'h\na\nb\n', 2],
    ['no final newline', 'h\na\nb', 2],
    ['CRLF line ends', 'h\r\na\r\nb\r\n', 2],
    ['CR line ends', 'h\ra\rb\r', 2],
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
    ['UTF-8 with a BOM and non-ASCII text', '\uFEFFemail,name\né,𝄞\n'],
  ])('finds %s not blank', async (_case, content) => {
    expect(await scan(content)).toMatchObject({ blank: false });
  });

  it.each([
    ['UTF-16LE with its BOM', Buffer.from('\uFEFFemail,name,role\n', 'utf16le'), 'a UTF-16 byte order mark'],
    ['UTF-16BE with its BOM', Buffer.from([0xfe, 0xff, 0x00, 0x61]), 'a UTF-16 byte order mark'],
    ['UTF-32LE with its BOM', Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x61, 0, 0, 0]), 'a UTF-32 byte order mark'],
    ['UTF-16LE without a BOM', Buffer.from('email,name,role\n', 'utf16le'), 'NUL bytes'],
    ['Latin-1', Buffer.from('email,name\ncaf\xe9,x\n', 'latin1'), 'not valid UTF-8'],
    ['a UTF-8 sequence cut at the end', Buffer.from([0x61, 0x0a, 0xe2, 0x82]), 'in the middle of a UTF-8 sequence'],
  ])('refuses %s', async (_case, content, why) => {
    expect(await scan(content)).toEqual(expect.stringContaining(why));
    expect(await scan(content)).toEqual(
      expect.stringMatching(/^The file is not UTF-8 text \(.*\): save it as CSV UTF-8$/),
    );
  });

  it('refuses a UTF-16LE file whose text hides quote bytes (U+2200 is 00 22), by its BOM', async () => {
    const text = `email,name,role\n${'\u2200,'.repeat(1_000)}\n`;
    expect(await scan(Buffer.from(`\uFEFF${text}`, 'utf16le'))).toBe(
      'The file is not UTF-8 text (it starts with a UTF-16 byte order mark): save it as CSV UTF-8',
    );
  });
});
