import { describe, expect, it } from 'vitest';
import { csvLine, neutralizeFormula } from '../src/uploads/errors-csv';

describe('neutralizeFormula', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTabbed', "'\tTabbed"],
    ['\rCR', "'\rCR"],
    ['  =1+1', "'  =1+1"],
    ['\t=1+1', "'\t=1+1"],
    ['\n@cmd', "'\n@cmd"],
    ['\u00a0+1', "'\u00a0+1"],
  ])('prefixes %j', (cell, expected) => {
    expect(neutralizeFormula(cell)).toBe(expected);
  });

  it.each(['plain', 'a=b', ' spaced text ', '1-2', 'user@example.com', ''])('leaves %j as it is', (cell) => {
    expect(neutralizeFormula(cell)).toBe(cell);
  });

  it('neutralizes before quoting, so a quoted cell keeps its prefix inside the quotes', () => {
    expect(csvLine([' =HYPERLINK("x")', 'ok'])).toBe(`"' =HYPERLINK(""x"")",ok\r\n`);
  });
});
