/**
 * Outbound HTTP for the action plan's webhook step: POSTs the interaction (ids, addresses, subject, state; never
 * bodies or attachments) as JSON, with a timeout. A 4xx answer is permanent (InvalidConfiguration); network
 * errors, timeouts and 5xx are retried by the policy the workflow chose.
 */
import { ApplicationFailure } from '@temporalio/common';
import { RoutingErrorType } from '../domain/errors';
import { OutboundRefusedError, type OutboundGuard } from '../platform/outbound';
import type { Store } from '../store';
import { found } from './failures';

export interface HttpActivityDeps {
  store: Pick<Store, 'routing'>;
  /** Webhooks reach only destinations the outbound guard allows; its refusal is final. */
  outbound: Pick<OutboundGuard, 'request'>;
}

export function createHttpActivities({ store, outbound }: HttpActivityDeps) {
  return {
    async postWebhook(input: {
      url: string;
      timeoutSeconds: number;
      interactionId: number;
      messageId: number;
      workflowId: string;
      step: number;
    }) {
      const interaction = found(await store.routing.findWithAccountKey(input.interactionId), `interaction ${input.interactionId}`);
      const payload = {
        event: 'interaction.routing',
        step: input.step,
        workflowId: input.workflowId,
        messageId: input.messageId,
        interaction: {
          id: interaction.id,
          accountKey: interaction.account.key,
          subject: interaction.subject,
          customerEmail: interaction.customerEmail,
          customerName: interaction.customerName,
          priority: interaction.priority,
          tags: interaction.tags,
          routingState: interaction.routingState,
          queueId: interaction.queueId,
          agentId: interaction.agentId,
        },
      };
      const response = await outbound
        .request(input.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'mailroute-webhook', 'x-mailroute-workflow-id': input.workflowId },
          body: JSON.stringify(payload),
          timeoutMs: input.timeoutSeconds * 1000,
        })
        .catch((error: Error) => {
          if (!(error instanceof OutboundRefusedError)) throw error;
          throw ApplicationFailure.create({
            message: `webhook refused: ${error.message}`,
            type: RoutingErrorType.InvalidConfiguration,
            nonRetryable: true,
          });
        });
      // Redirects are not followed: where they lead was never checked.
      if ((response.status >= 300 && response.status < 500) || response.status < 200) {
        throw ApplicationFailure.create({
          message: `webhook ${input.url} answered ${response.status}${response.status < 400 ? ' (redirects are not followed)' : ''}`,
          type: RoutingErrorType.InvalidConfiguration,
          nonRetryable: true,
        });
      }
      if (response.status >= 500) throw new Error(`webhook ${input.url} answered ${response.status}`);
      return { status: response.status };
    },
  };
}
