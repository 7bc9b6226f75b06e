import { z } from 'zod';
import { blankAsUndefined, defineTemplate } from './define-template';

const ROLES = ['admin', 'member', 'viewer'] as const;
const MAX_NAME = 200;
/** The pattern `z.email()` tests, so the fast check below accepts exactly the addresses the schema does. */
const EMAIL = z.regexes.email;

type Role = (typeof ROLES)[number];

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The schema's result for a valid row, computed directly (a row of a large file is usually valid). */
export function vouchForUser(record: Readonly<Record<string, string>>) {
  const { email, name, role } = record;
  if (typeof email !== 'string' || typeof name !== 'string' || typeof role !== 'string') return undefined;
  const address = email.trim();
  const trimmedName = name.trim();
  if (!EMAIL.test(address) || trimmedName.length === 0 || trimmedName.length > MAX_NAME) return undefined;
  const chosen = role.trim() === '' ? 'member' : role;
  if (!isRole(chosen)) return undefined;
  return { email: address.toLowerCase(), name: trimmedName, role: chosen };
}

/** One row of a users file: what the header names and what each cell must hold. */
export const usersColumns = z.object({
  email: z
    .string()
    .trim()
    .pipe(z.email('Invalid email address'))
    .transform((email) => email.toLowerCase())
    .describe('Email address; unique, compared case-insensitively'),
  name: z
    .string('is required')
    .trim()
    .min(1, 'is required')
    .max(MAX_NAME, `must be at most ${MAX_NAME} characters`)
    .describe('Display name, 1-200 characters'),
  role: blankAsUndefined(z.enum(ROLES, 'must be one of admin, member, viewer').default('member')).describe(
    'admin, member or viewer; empty means member',
  ),
});

/** People to invite: upserted by email, case-insensitive. */
export const usersTemplate = defineTemplate({
  name: 'users',
  label: 'Users',
  table: 'users',
  key: 'email',
  columns: usersColumns,
  vouch: vouchForUser,
});
