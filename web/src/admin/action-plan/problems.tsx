/** The API's refusal of a plan, placed on the steps it names (`steps.<index>...`) and listed below the steps. */
import { ApiError, type FieldProblem } from '../../api';
import { StepInputError } from './drafts';

const STEP_FIELD = /^(body\.)?steps\.(\d+)\.?(.*)$/;

/** The field problems of a failed publish: the API's, or the one input the editor could not read. */
export function problemsOf(error: unknown): FieldProblem[] {
  if (error instanceof ApiError) return error.problems;
  if (error instanceof StepInputError) return [{ field: `steps.${error.index}`, reason: error.message }];
  return [];
}

export function problemsOfStep(problems: FieldProblem[], index: number): FieldProblem[] {
  return problems.filter((problem) => new RegExp(`^(body\\.)?steps\\.${index}(\\.|$)`).test(problem.field));
}

/** A problem as shown on its step: the field within the step ("queueId"), or "step" for the whole step. */
export function withinStep(problem: FieldProblem): string {
  return problem.field.replace(/^(body\.)?steps\.\d+\.?/, '') || 'step';
}

export function PlanProblems({ error, problems }: { error: unknown; problems: FieldProblem[] }) {
  return (
    <div class="problems" role="alert">
      <p>The API refused this plan: {error instanceof Error ? error.message : String(error)}</p>
      {problems.length > 0 && (
        <ul>
          {problems.map((problem) => (
            <li key={problem.field + problem.reason}>
              {problem.field.replace(
                STEP_FIELD,
                (_, _body, index: string, rest: string) => `Step ${Number(index) + 1}${rest ? ` (${rest})` : ''}`,
              )}
              : {problem.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
