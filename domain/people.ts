/** Who works the mailboxes: roles and presence, as every layer names them. */
export const ROLES = ['admin', 'supervisor', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export const PRESENCES = ['online', 'paused', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

/** The signed-in user as use cases see them. */
export interface Actor {
  id: number;
  role: Role;
  name: string;
}
