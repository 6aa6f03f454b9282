/**
 * What an agent is answered when the routing workflow cannot take their request: a refusal is a 409 with the
 * workflow's reason; a run whose workflow task is failing (being retried on a worker) is a 503 to retry, not a 500.
 */
import { ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { asConflict } from '../../api/workflow-answers';
import { AppError } from '../../api/http';

/** The error the client raises when the server refuses an update because the run's workflow task is failing. */
function workflowTaskInFailedState(): ServiceError {
  const details = 'Unable to perform workflow execution update due to Workflow Task in failed state.';
  const grpcError = Object.assign(new Error(`9 FAILED_PRECONDITION: ${details}`), { code: 9, details, metadata: {} });
  return new ServiceError('Workflow Update failed', { cause: grpcError });
}

async function answerTo(error: unknown): Promise<AppError | unknown> {
  try {
    await asConflict(() => Promise.reject(error));
  } catch (thrown) {
    return thrown;
  }
  throw new Error('asConflict did not fail');
}

it('a run whose workflow task is failing answers 503 with Retry-After', async () => {
  const answer = await answerTo(workflowTaskInFailedState());
  expect(answer).toBeInstanceOf(AppError);
  expect(answer).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
});

it('a run that has ended answers 409', async () => {
  expect(await answerTo(new WorkflowNotFoundError('gone', 'route-email-1', undefined))).toMatchObject({ status: 409 });
});

it('any other failure is left to the error handler', async () => {
  const other = new ServiceError('something else', {
    cause: Object.assign(new Error('14 UNAVAILABLE'), { code: 14, details: 'down', metadata: {} }),
  });
  expect(await answerTo(other)).toBe(other);
});
