import { z } from 'zod';
import { defineTemplate } from './define-template';
import { decimalText, wholeNumber } from './numbers';

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
    price: decimalText({ maxWholeDigits: 15, maxFractionDigits: 10 }).describe(
      'Decimal number >= 0, e.g. 19.99 or .5; at most 15 digits before the point and 10 after',
    ),
    quantity: wholeNumber({ maxDigits: 15 }).describe('Whole number >= 0, at most 15 digits'),
  }),
  sqlTypes: { quantity: 'INTEGER' },
});
