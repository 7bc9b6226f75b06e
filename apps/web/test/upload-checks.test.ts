import { describe, expect, it } from 'vitest';
import type { Template } from '../src/lib/api-types';
import { checkUploadFile } from '../src/lib/check-upload-file';
import { firstCsvRow, headerMismatch } from '../src/lib/csv-header';
import { isCsvFile } from '../src/lib/is-csv-file';

const users: Template = {
  name: 'users',
  label: 'Users',
  key: 'email',
  columns: [
    { name: 'email', required: true, description: '' },
    { name: 'name', required: true, description: '' },
    { name: 'role', required: false, description: '' },
  ],
};
const limits = { maxUploadBytes: 50 * 1024 * 1024, maxRows: 1_000_000 };

describe('firstCsvRow', () => {
  it('reads the first row, unquoting cells, past a BOM, up to LF or CRLF', () => {
    expect(firstCsvRow('\uFEFFemail,name,role\r\na,b,c\n', false)).toEqual(['email', 'name', 'role']);
    expect(firstCsvRow('"e,mail","say ""hi""",\nx', false)).toEqual(['e,mail', 'say "hi"', '']);
    expect(firstCsvRow('"multi\nline",b\n', false)).toEqual(['multi\nline', 'b']);
  });

  it('takes a file without a line end as one row, and cannot tell from the cut start of a longer file', () => {
    expect(firstCsvRow('email,name', true)).toEqual(['email', 'name']);
    expect(firstCsvRow('email,name', false)).toBeUndefined();
  });
});

describe('headerMismatch', () => {
  it('compares trimmed and case-insensitively, in any order, as the importer does', () => {
    expect(headerMismatch([' Role', 'EMAIL ', 'name'], ['email', 'name', 'role'])).toBeUndefined();
    expect(headerMismatch(['mail', 'name', 'name'], ['email', 'name', 'role'])).toEqual({
      missing: ['email', 'role'],
      unexpected: ['mail'],
      repeated: ['name'],
    });
  });
});

describe('isCsvFile', () => {
  it('takes a .csv name or a CSV type, not a text file', () => {
    expect(isCsvFile({ name: 'Users.CSV', type: '' })).toBe(true);
    expect(isCsvFile({ name: 'export', type: 'text/csv' })).toBe(true);
    expect(isCsvFile({ name: 'notes.txt', type: 'text/plain' })).toBe(false);
    expect(isCsvFile({ name: 'photo.png', type: 'image/png' })).toBe(false);
  });
});

describe('checkUploadFile', () => {
  const csv = (text: string, name = 'users.csv') => new File([text], name, { type: 'text/csv' });

  it('accepts a CSV file whose header matches the template', async () => {
    expect(await checkUploadFile(csv('email,name,role\na@b.c,A,\n'), users, limits)).toBeUndefined();
  });

  it('refuses a file that is not CSV, an empty one, and one over the size limit, stated in MB', async () => {
    expect(await checkUploadFile(new File(['email'], 'notes.txt', { type: 'text/plain' }), users, limits)).toBe(
      'notes.txt is not a CSV file. Choose a file whose name ends in .csv.',
    );
    expect(await checkUploadFile(csv(''), users, limits)).toBe('users.csv is empty.');
    const big = csv('email,name,role\n'.padEnd(3 * 1024 * 1024, 'x'));
    expect(await checkUploadFile(big, users, { ...limits, maxUploadBytes: 2 * 1024 * 1024 })).toBe(
      'users.csv is 3 MB, larger than the 2 MB a file can have.',
    );
  });

  it('names what is wrong with the header row', async () => {
    expect(await checkUploadFile(csv('mail,full_name\na,b\n', 'people.csv'), users, limits)).toBe(
      'The first row of people.csv must name the users columns email, name, role. Missing: email, name, role. Not expected: mail, full_name.',
    );
  });

  it('leaves what it cannot know yet to the server: no template, no limits, a header longer than it reads', async () => {
    expect(await checkUploadFile(csv('mail\n'), undefined, undefined)).toBeUndefined();
    expect(await checkUploadFile(csv(`${'x'.repeat(70_000)}\n`), users, limits)).toBeUndefined();
  });
});
