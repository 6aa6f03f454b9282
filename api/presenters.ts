/** Rows as the API shows them: dates as ISO strings, secrets and hashes left out. */
export const userFields = {
  id: true,
  name: true,
  email: true,
  role: true,
  presence: true,
  pauseStatusId: true,
  capacity: true,
  updatedAt: true,
} as const;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function presentUser<T extends { updatedAt: Date }>(user: T) {
  const { updatedAt, ...rest } = user;
  return { ...rest, updatedAt: updatedAt.toISOString() };
}

export function presentQueue(queue: {
  id: number;
  name: string;
  description: string | null;
  strategy: string;
  offerTimeoutSeconds: number;
  notRespondingPauseStatusId: number | null;
  createdAt: Date;
  updatedAt: Date;
}) {
  const { id, name, description, strategy, offerTimeoutSeconds, notRespondingPauseStatusId, createdAt, updatedAt } = queue;
  return {
    id,
    name,
    description,
    strategy,
    offerTimeoutSeconds,
    notRespondingPauseStatusId,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}

export function presentCannedAnswer(answer: {
  id: number;
  accountId: number | null;
  name: string;
  body: string;
  createdAt: Date;
  updatedAt: Date;
}) {
  return { ...answer, createdAt: answer.createdAt.toISOString(), updatedAt: answer.updatedAt.toISOString() };
}

export function presentContact(contact: { id: number; listId: number; email: string; name: string | null; createdAt: Date }) {
  return { ...contact, createdAt: contact.createdAt.toISOString() };
}

export function presentToken(token: {
  id: number;
  userId: number;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}) {
  const { id, userId, name, createdAt, lastUsedAt, expiresAt, revokedAt } = token;
  return {
    id,
    userId,
    name,
    createdAt: createdAt.toISOString(),
    lastUsedAt: iso(lastUsedAt),
    expiresAt: iso(expiresAt),
    revokedAt: iso(revokedAt),
  };
}
