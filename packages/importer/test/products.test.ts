import { selectRows } from '@jobstream/storage/testing';
import { describe, expect, it } from 'vitest';
import { productsTemplate } from '../src/index';
import { importEnv } from './import-env';

function product(price: string, quantity = '1') {
  return productsTemplate.validate({ sku: 'A-1', name: 'Lamp', price, quantity });
}

describe('products', () => {
  it.each([
    ['19.99', '19.99'],
    ['0', '0'],
    ['.5', '0.5'],
    ['1.', '1'],
    ['1.23456', '1.23456'],
    ['007.50', '7.50'],
    [' 3 ', '3'],
    ['999999999999999.0123456789', '999999999999999.0123456789'],
  ])('accepts the price %j, stored as %j', (price, stored) => {
    expect(product(price)).toMatchObject({ ok: true, row: { price: stored } });
  });

  it.each([
    ['-1', 'price: must be a decimal number >= 0'],
    ['', 'price: must be a decimal number >= 0'],
    ['.', 'price: must be a decimal number >= 0'],
    ['1.2.3', 'price: must be a decimal number >= 0'],
    ['1e3', 'price: must be a decimal number >= 0'],
    ['1,5', 'price: must be a decimal number >= 0'],
    ['1234567890123456', 'price: must have at most 15 digits before the point'],
    ['1.12345678901', 'price: must have at most 10 digits after the point'],
  ])('rejects the price %j: %s', (price, error) => {
    expect(product(price)).toEqual({ ok: false, errors: [error] });
  });

  it('accepts a whole quantity of up to 15 digits and says why it rejects others', () => {
    expect(product('1', '999999999999999')).toMatchObject({ ok: true, row: { quantity: 999_999_999_999_999 } });
    expect(product('1', '0000000000000000042')).toMatchObject({ ok: true, row: { quantity: 42 } });
    expect(product('1', '1234567890123456')).toEqual({ ok: false, errors: ['quantity: must have at most 15 digits'] });
    expect(product('1', '1.5')).toEqual({ ok: false, errors: ['quantity: must be a whole number >= 0'] });
    expect(product('1', '-2')).toEqual({ ok: false, errors: ['quantity: must be a whole number >= 0'] });
  });

  it('imports prices in any usual notation exactly, and rejects the rest with their reasons', async () => {
    await using env = await importEnv();
    const csv = [
      'sku,name,price,quantity',
      'A-1,Lamp,19.99,3',
      'A-2,Chair,.5,2',
      'A-3,Desk,10.,1',
      'A-4,Shelf,1.23456,0',
      'A-5,Stool,-1,2',
      'A-6,Bench,10,1.5',
      'A-7,Rug,1,12345678901234567',
      ',Nameless,1,1',
    ].join('\n');
    const { counts } = await env.run(csv, { template: productsTemplate });
    expect(counts).toMatchObject({
      inserted: 4,
      failed: 4,
      errors: [
        'Row 5: price: must be a decimal number >= 0',
        'Row 6: quantity: must be a whole number >= 0',
        'Row 7: quantity: must have at most 15 digits',
        'Row 8: sku: is required',
      ],
    });
    expect(await selectRows(env.store, 'SELECT sku, price, quantity FROM products ORDER BY sku')).toEqual([
      { sku: 'A-1', price: '19.99', quantity: 3 },
      { sku: 'A-2', price: '0.5', quantity: 2 },
      { sku: 'A-3', price: '10', quantity: 1 },
      { sku: 'A-4', price: '1.23456', quantity: 0 },
    ]);
  });
});
