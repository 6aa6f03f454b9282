/** Every request and answer schema, by resource; import from the resource's module where you can. */
export * from './accounts';
export * from './action-plans';
export * from './agent-actions';
export * from './canned-answers';
export * from './contacts';
export * from './dispositions';
export * from './pause-statuses';
export * from './queues';
export * from './settings';
export * from './tokens';
export * from './users';
