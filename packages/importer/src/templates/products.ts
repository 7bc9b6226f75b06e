import { z } from 'zod';
import { defineTemplate } from './define-template';

/** Catalogue items: upserted by SKU. */
export const productsTemplate = defineTemplate({
  name: 'products',
  label: 'Products',
  table: 'products',
  key: 'sku',
  columns: z.object({
    sku: z
      .string('is required')
      .trim()
      .min(1, 'is required')
      .max(100, 'must be at most 100 characters')
      .describe('Stock-keeping unit; unique'),
    name: z
      .string('is required')
      .trim()
      .min(1, 'is required')
      .max(200, 'must be at most 200 characters')
      .describe('Product name, 1-200 characters'),
    price: z
      .string('is required')
      .trim()
      .regex(/^\d{1,12}(\.\d{1,4})?$/, 'must be a decimal number >= 0')
      .describe('Decimal number >= 0, e.g. 19.99'),
    quantity: z
      .string('is required')
      .trim()
      .regex(/^\d{1,15}$/, 'must be a whole number >= 0')
      .transform(Number)
      .describe('Whole number >= 0'),
  }),
  sqlTypes: { sku: 'TEXT', name: 'TEXT', price: 'TEXT', quantity: 'INTEGER' },
});
