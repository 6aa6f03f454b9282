/**
 * Whether what a request names belongs to an account: an agent added to it, a queue it routes to, one of its
 * dispositions, a canned answer it may use (global or its own). Answers are yes or no; the caller names the field.
 */
import type { Database } from './db';

export function createAccountReferenceStore(db: Database) {
  return {
    async isAgent(accountId: number, userId: number): Promise<boolean> {
      return (await db.accountAgent.findUnique({ where: { accountId_userId: { accountId, userId } } })) !== null;
    },

    async isQueue(accountId: number, queueId: number): Promise<boolean> {
      return (await db.accountQueue.findUnique({ where: { accountId_queueId: { accountId, queueId } } })) !== null;
    },

    async isDisposition(accountId: number, dispositionId: number): Promise<boolean> {
      return (await db.disposition.findFirst({ where: { id: dispositionId, accountId } })) !== null;
    },

    async isCannedAnswer(accountId: number, cannedAnswerId: number): Promise<boolean> {
      return (await db.cannedAnswer.findFirst({ where: { id: cannedAnswerId, OR: [{ accountId: null }, { accountId }] } })) !== null;
    },
  };
}

export type AccountReferenceStore = ReturnType<typeof createAccountReferenceStore>;
