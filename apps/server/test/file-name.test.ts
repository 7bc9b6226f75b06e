import { describe, expect, it } from 'vitest';
import { attachmentDisposition, errorsFileName, uploadedFileName } from '../src/uploads/file-name';

describe('uploadedFileName', () => {
  it('keeps the last path segment without control or format characters, trimmed', () => {
    expect(uploadedFileName('users.csv')).toBe('users.csv');
    expect(uploadedFileName('C:\\Users\\me\\März.csv')).toBe('März.csv');
    expect(uploadedFileName('../../etc/passwd')).toBe('passwd');
    expect(uploadedFileName(' a\u0000b\r\n\u202Ecsv.exe ')).toBe('abcsv.exe');
    expect(uploadedFileName('%22Q1%22%0D%0A.csv')).toBe('"Q1".csv');
  });

  it('is undefined when nothing is left, and cut at 255 characters (not inside a surrogate pair)', () => {
    expect(uploadedFileName(undefined)).toBeUndefined();
    expect(uploadedFileName(' \t')).toBeUndefined();
    expect(uploadedFileName('dir/')).toBeUndefined();
    const long = uploadedFileName('😀'.repeat(300));
    expect(Array.from(long ?? '')).toHaveLength(255);
    expect(long).toBe('😀'.repeat(255));
  });
});

describe('errorsFileName and attachmentDisposition', () => {
  it('names the rejected rows after the file, or the job id when it has no name', () => {
    expect(errorsFileName({ jobId: 'j', fileName: 'team.csv' })).toBe('team-errors.csv');
    expect(errorsFileName({ jobId: 'j', fileName: 'team.txt' })).toBe('team.txt-errors.csv');
    expect(errorsFileName({ jobId: 'j', fileName: '.csv' })).toBe('j-errors.csv');
    expect(errorsFileName({ jobId: 'j' })).toBe('j-errors.csv');
  });

  it('never puts a quote, backslash, percent sign or non-ASCII character in the plain filename', () => {
    expect(attachmentDisposition('a.csv')).toBe('attachment; filename="a.csv"');
    expect(attachmentDisposition('a"b\\c%d\u00e9.csv')).toBe(
      `attachment; filename="a_b_c_d_.csv"; filename*=UTF-8''a%22b%5Cc%25d%C3%A9.csv`,
    );
  });
});
