/** An account's action plan over HTTP: steps in (domain/action-plan-schema.ts), numbered versions out. */
import { z } from 'zod';
import { actionStepSchema } from '../../domain/action-plan-schema';

export const actionPlanSchema = z
  .object({ steps: z.array(actionStepSchema).max(500) })
  .strict()
  .meta({ id: 'ActionPlan' });

export const actionPlanVersionSchema = z
  .object({ version: z.number().int(), steps: z.array(z.unknown()), createdAt: z.string() })
  .meta({ id: 'ActionPlanVersion' });
export type ActionPlanVersion = z.output<typeof actionPlanVersionSchema>;
