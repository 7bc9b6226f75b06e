import { z } from 'zod';
import { blankAsUndefined, defineTemplate } from './define-template';

/** People to invite: upserted by email, case-insensitive. */
export const usersTemplate = defineTemplate({
  name: 'users',
  label: 'Users',
  table: 'users',
  key: 'email',
  columns: z.object({
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
      .max(200, 'must be at most 200 characters')
      .describe('Display name, 1-200 characters'),
    role: blankAsUndefined(
      z.enum(['admin', 'member', 'viewer'], 'must be one of admin, member, viewer').default('member'),
    ).describe('admin, member or viewer; empty means member'),
  }),
  sqlTypes: { email: 'TEXT', name: 'TEXT', role: 'TEXT' },
});
