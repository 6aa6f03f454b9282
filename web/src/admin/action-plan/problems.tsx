/** The API's refusal of a plan, placed on the steps it names (`steps.<index>...`) and listed below the steps. */
import { ApiError, describeError, describeProblem, type FieldProblem } from '../../api';
import { StepInputError } from './drafts';

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
      <p>
        The plan was not published
        {problems.length === 0
          ? `: ${describeError(error)}`
          : error instanceof ApiError && !/^invalid (body|query|params):/.test(error.message)
            ? `: ${error.message}.`
            : ':'}
      </p>
      {problems.length > 0 && (
        <ul>
          {problems.map((problem) => (
            <li key={problem.field + problem.reason}>{describeProblem(problem)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
