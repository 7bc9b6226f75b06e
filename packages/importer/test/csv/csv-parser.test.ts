import { describe, expect, it } from 'vitest';
import { CsvParser, type CsvParserLimits, CsvSyntaxError } from '../../src/index';

const LIMITS: CsvParserLimits = { maxColumns: 1_000, maxRowLength: 64 * 1024 };

/** Every record of `text` fed to one parser in pieces of `size` characters. */
function parse(text: string, size = text.length || 1, limits = LIMITS): string[][] {
  const parser = new CsvParser(limits);
  const records: string[][] = [];
  for (let at = 0; at < text.length; at += size) records.push(...parser.write(text.slice(at, at + size)));
  records.push(...parser.end());
  return records;
}

/** The parser's error for `text`, as `CODE line L record R`. */
function failure(text: string, limits = LIMITS, size?: number): string {
  try {
    parse(text, size, limits);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return `${error.code} line ${error.line} record ${error.record}`;
  }
  throw new Error('parsed without error');
}

describe('CsvParser', () => {
  it.each([
    [
      'LF',
      'a,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CRLF',
      'a,b\r\n1,2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CR',
      'a,b\r1,2\r',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'mixed line ends',
      'a,b\r\n1,2\n3,4\r5,6',
      [
        ['a', 'b'],
        ['1', '2'],
        ['3', '4'],
        ['5', '6'],
      ],
    ],
    [
      'no final line end',
      'a,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    ['a BOM', '\uFEFFa,b\n', [['a', 'b']]],
    [
      'empty lines, skipped',
      '\n\na,b\n\r\n\r1,2\n\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'empty cells',
      ',\na,,\n,b',
      [
        ['', ''],
        ['a', '', ''],
        ['', 'b'],
      ],
    ],
    ['a trailing comma at the end of input', 'a,', [['a', '']]],
    ['quoted cells', '"a,b","c\nd","e""f",""\n', [['a,b', 'c\nd', 'e"f', '']]],
    ['a quoted cell last in the input', 'x,"y"', [['x', 'y']]],
    ['quoted CRLF kept as is', '"a\r\nb"\r\nc', [['a\r\nb'], ['c']]],
    ['a lone empty quoted cell, not an empty line', '""\n', [['']]],
    ['spaces kept', ' a , b \n', [[' a ', ' b ']]],
    ['non-ASCII text', 'é,𝄞\n', [['é', '𝄞']]],
  ])('reads %s', (_case, text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it('reads the same records whatever the pieces the text comes in', () => {
    const text = '\uFEFFh1,"h,2"\r\n"a""b",c\r\n\r\n"x\ny",\n,\r"end"';
    const whole = parse(text);
    for (let size = 1; size <= text.length; size++) expect(parse(text, size), `pieces of ${size}`).toEqual(whole);
  });

  it.each([
    ['an unclosed quote, at the line its record starts', 'a\nb\n"c\nd\n', 'QUOTE_NOT_CLOSED line 3 record 2'],
    ['a quote inside an unquoted cell', 'a\nb"c\n', 'QUOTE_IN_UNQUOTED_FIELD line 2 record 1'],
    ['a character after a closing quote', 'a\n"b"c\n', 'CHARACTER_AFTER_QUOTE line 2 record 1'],
    ['a space after a closing quote', '"a" ,b\n', 'CHARACTER_AFTER_QUOTE line 1 record 0'],
    ['line numbers past quoted line ends and empty lines', '"a\nb"\n\nc"\n', 'QUOTE_IN_UNQUOTED_FIELD line 4 record 1'],
  ])('refuses %s', (_case, text, expected) => {
    expect(failure(text)).toBe(expected);
  });

  it('refuses the first cell past maxColumns, numbered by record (empty lines skipped)', () => {
    const limits = { ...LIMITS, maxColumns: 3 };
    expect(parse('a,b,c\n1,2,3\n', undefined, limits)).toHaveLength(2);
    expect(failure('a,b,c,d\n', limits)).toBe('TOO_MANY_COLUMNS line 1 record 0');
    expect(failure('a,b,c\n1,2,3\n\n4,5,6,7\n', limits)).toBe('TOO_MANY_COLUMNS line 4 record 2');
    expect(failure('a,b,c\n"1,2,3,4",2,3,4\n', limits)).toBe('TOO_MANY_COLUMNS line 2 record 1');
  });

  it('counts cells the way it builds records: a CRLF header then bare-LF lines are separate records', () => {
    const limits = { ...LIMITS, maxColumns: 1_000 };
    const wide = `${','.repeat(999)}\n`;
    const records = parse(`h\r\n${wide.repeat(50)}`, 4096, limits);
    expect(records).toHaveLength(51);
    expect(records.slice(1).every((record) => record.length === 1_000)).toBe(true);
  });

  it('stops a record of millions of commas at the column limit, holding no more cells than allowed', () => {
    const parser = new CsvParser(LIMITS);
    parser.write('email,name,role\n');
    const commas = ','.repeat(64 * 1024);
    expect(() => {
      for (let piece = 0; piece < 100; piece++) parser.write(commas);
    }).toThrow(expect.objectContaining({ code: 'TOO_MANY_COLUMNS', record: 1 }));
  });

  it('refuses a record past maxRowLength, counting delimiters, in one piece or in many', () => {
    const limits = { ...LIMITS, maxRowLength: 100 };
    expect(parse(`${'x'.repeat(99)}\n`, undefined, limits)).toEqual([['x'.repeat(99)]]);
    expect(failure(`a\n${'x'.repeat(101)}\n`, limits)).toBe('ROW_TOO_LONG line 2 record 1');
    expect(failure(`a\n"${'x'.repeat(101)}"\n`, limits, 7)).toBe('ROW_TOO_LONG line 2 record 1');
    expect(failure(`a\n${'x,'.repeat(60)}\n`, { maxColumns: 1_000, maxRowLength: 100 })).toBe(
      'ROW_TOO_LONG line 2 record 1',
    );
  });

  it('refuses a cell that never ends, however it is split, before it passes the limit by more than a piece', () => {
    const parser = new CsvParser({ ...LIMITS, maxRowLength: 1_000 });
    parser.write('a\n');
    let read = 0;
    expect(() => {
      for (; read < 10_000; read += 100) parser.write('y'.repeat(100));
    }).toThrow(expect.objectContaining({ code: 'ROW_TOO_LONG' }));
    expect(read).toBeLessThanOrEqual(1_000);
  });
});
