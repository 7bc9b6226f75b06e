import { describe, expect, it } from 'vitest';
import { usersTemplate } from '../src/index';
import { usersColumns, vouchForUser } from '../src/templates/users';

/** Cells chosen around every rule of the users schema: valid, invalid, and the edges between. */
const EMAILS = [
  'a@example.com',
  'A.B+tag@Example.CO',
  '  padded@example.com  ',
  '\tTab@example.com\n',
  "o'neil@example.org",
  'x_y-z@sub.example.travel',
  '.lead@example.com',
  'trail.@example.com',
  'two..dots@example.com',
  'no-at.example.com',
  'a@b',
  'a@b.c',
  'a@-b.com',
  'a@b-.com',
  'é@example.com',
  'a@exämple.com',
  'a b@example.com',
  '@example.com',
  'a@',
  '',
  '   ',
  'a@example.com\u00a0',
  '\u2003a@example.com',
  'a@example.com.',
  'a@1.example.com',
  `${'x'.repeat(300)}@example.com`,
];
const NAMES = [
  'Ada',
  '  Ada Lovelace  ',
  '',
  '   ',
  '\u00a0',
  'x'.repeat(200),
  ` ${'x'.repeat(200)} `,
  'x'.repeat(201),
  '😀'.repeat(100),
  '😀'.repeat(101),
  'Zoë',
  'tab\tinside',
];
const ROLES = ['admin', 'member', 'viewer', '', '   ', '\t', ' admin', 'admin ', 'Admin', 'owner', 'MEMBER', '\u00a0'];

describe('users template', () => {
  it('vouches only for rows the schema accepts, with exactly the schema’s result', () => {
    let vouched = 0;
    let handedOn = 0;
    for (const email of EMAILS) {
      for (const name of NAMES) {
        for (const role of ROLES) {
          const record = { email, name, role };
          const fast = vouchForUser(record);
          if (fast === undefined) {
            handedOn++;
            continue;
          }
          vouched++;
          const schema = usersColumns.safeParse(record);
          expect(schema.success, JSON.stringify(record)).toBe(true);
          expect(JSON.stringify(fast)).toBe(JSON.stringify(schema.data));
        }
      }
    }
    expect(vouched).toBeGreaterThan(100);
    expect(handedOn).toBeGreaterThan(100);
  });

  it('accepts through its check whatever the schema accepts among those rows', () => {
    for (const email of EMAILS) {
      for (const role of ROLES) {
        const record = { email, name: 'Ada', role };
        const schema = usersColumns.safeParse(record);
        if (schema.success) expect(vouchForUser(record), JSON.stringify(record)).toEqual(schema.data);
      }
    }
  });

  it('hands a row with a missing column to the schema, which words the result', () => {
    expect(vouchForUser({ email: 'a@example.com', name: 'A' })).toBeUndefined();
    expect(usersTemplate.validate({ email: 'a@example.com', name: 'A' })).toEqual({
      ok: true,
      row: { email: 'a@example.com', name: 'A', role: 'member' },
      key: 'a@example.com',
    });
    expect(usersTemplate.validate({ email: 'no-at', name: 'A', role: 'owner' })).toEqual({
      ok: false,
      errors: ['email: Invalid email address', 'role: must be one of admin, member, viewer'],
    });
  });
});

describe('vouchForUser against the schema’s keys', () => {
  it('returns every column of the users schema, as the schema does', () => {
    const record = { email: ' Ann@Example.com ', name: ' Ann ', role: '' };
    const vouched = vouchForUser(record);
    expect(Object.keys(vouched ?? {}).sort()).toEqual(Object.keys(usersColumns.shape).sort());
    expect(vouched).toEqual(usersColumns.parse(record));
  });
});
