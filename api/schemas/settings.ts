/** Global settings over HTTP. */
import { z } from 'zod';
import { patchOf } from './patch';

export const settingsUpdateSchema = patchOf({
  loginMailFrequencySeconds: z.number().int().min(1).max(86400).meta({ description: 'polling interval for mail servers without IDLE' }),
}).meta({ id: 'GlobalSettingsUpdate' });

export const settingsSchema = z
  .object({ loginMailFrequencySeconds: z.number().int(), updatedAt: z.string() })
  .meta({ id: 'GlobalSettings' });
export type GlobalSettings = z.output<typeof settingsSchema>;
