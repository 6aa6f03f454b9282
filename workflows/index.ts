/** Every workflow the worker registers. */
export { routeEmail } from './route-email';
export { watchMailbox } from './watch-mailbox';
export { reingestQuarantined } from './reingest-email';
export { settleUncertainSend } from './settle-uncertain-send';
