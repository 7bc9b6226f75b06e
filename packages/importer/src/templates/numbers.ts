import { z } from 'zod';

const DECIMAL = /^(\d*)(?:\.(\d*))?$/;
const WHOLE = /^\d+$/;

/** Digits without leading zeros ('0' for none). */
function significant(digits: string): string {
  return digits.replace(/^0+/, '') || '0';
}

/**
 * A decimal number >= 0 in any usual notation (`19.99`, `0.5`, `.5`, `1.`, `007.50`), kept exact as text in a
 * normal form (`0.5`, `1`, `7.50`: no leading zeros, no bare point); each size cap fails with its own message.
 */
export function decimalText(limits: { maxWholeDigits: number; maxFractionDigits: number }) {
  return z
    .string('is required')
    .trim()
    .transform((text, ctx) => {
      const match = DECIMAL.exec(text);
      if (!match || !/\d/.test(text)) {
        ctx.addIssue({ code: 'custom', message: 'must be a decimal number >= 0' });
        return z.NEVER;
      }
      const whole = significant(match[1] ?? '');
      const fraction = match[2] ?? '';
      if (whole.length > limits.maxWholeDigits) {
        ctx.addIssue({ code: 'custom', message: `must have at most ${limits.maxWholeDigits} digits before the point` });
      }
      if (fraction.length > limits.maxFractionDigits) {
        ctx.addIssue({
          code: 'custom',
          message: `must have at most ${limits.maxFractionDigits} digits after the point`,
        });
      }
      return fraction ? `${whole}.${fraction}` : whole;
    });
}

/** A whole number >= 0 written as digits, at most `maxDigits` of them (leading zeros aside), as a number. */
export function wholeNumber(limits: { maxDigits: number }) {
  return z
    .string('is required')
    .trim()
    .transform((text, ctx) => {
      if (!WHOLE.test(text)) {
        ctx.addIssue({ code: 'custom', message: 'must be a whole number >= 0' });
        return z.NEVER;
      }
      const digits = significant(text);
      if (digits.length > limits.maxDigits) {
        ctx.addIssue({ code: 'custom', message: `must have at most ${limits.maxDigits} digits` });
        return z.NEVER;
      }
      return Number(digits);
    });
}
