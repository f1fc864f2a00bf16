import { z } from 'zod';
import type { ModelRef } from '../model';

/** A comma-separated list; blanks dropped. */
export const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

/** An http(s) URL. */
export const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^\s/]+/.test(value) && URL.canParse(value), {
    message: 'expected an http(s) URL such as http://127.0.0.1:8080/v1',
  });

/** A whole number between `min` and `max`. */
export const integer = (min: number, max: number) =>
  z.coerce
    .number({ message: 'expected a whole number' })
    .int({ message: 'expected a whole number' })
    .min(min, { message: `expected at least ${min}` })
    .max(max, { message: `expected at most ${max}` });

/** A secret: a non-empty string, never logged. */
export const secret = z.string().min(1);

/** `provider:model`. */
export const modelRef = z
  .string()
  .trim()
  .regex(/^[a-z][\w-]*:\S+$/, {
    message: 'expected provider:model, such as openai:gpt-4o-mini',
  })
  .transform((value) => value as ModelRef);
