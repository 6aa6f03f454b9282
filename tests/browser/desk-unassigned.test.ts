/**
 * Nothing strands on the desk: an email the action plan could not place appears in the agents' Unassigned list, one
 * click picks it up and opens it; a supervisor sends another one to a queue from the interaction's view. Chromium
 * against the real platform.
 */
import { buildEmail } from '../support/mailbox';
import { createRoutedAccount, type RoutedAgent } from '../support/routed-account';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

describe('web client: unassigned interactions', () => {
  const started = useBrowserPlatform();

  it('an agent picks up an email nobody took, and a supervisor sends another to a queue', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, {
      people: [{ name: 'Uma Agent' }, { name: 'Stan Supervisor', role: 'supervisor' }],
      actionPlan: (queueId) => [{ type: 'queue', queueId, timeoutSeconds: 1 }],
    });
    const [agent] = routed.agents as [RoutedAgent];
    const [supervisor] = routed.supervisors as [RoutedAgent];
    for (const subject of ['Nobody answered', 'Also waiting'])
      await routed.deliver(buildEmail({ from: 'olga@customer.test', to: routed.account.emailAddress, subject, text: 'Hello?' }));

    const { page: desk } = await openPage(browser, platform.apiUrl);
    await logIn(desk, agent.email, agent.password);
    const list = desk.getByRole('region', { name: /Unassigned/ });
    await list.getByRole('button', { name: /Pick up #\d+ Nobody answered/ }).waitFor({ timeout: 60_000 });
    await list.getByRole('button', { name: /Pick up #\d+ Also waiting/ }).waitFor({ timeout: 60_000 });
    expect(await accessibilityViolations(desk)).toEqual([]);

    await list.getByRole('button', { name: /Pick up #\d+ Nobody answered/ }).click();
    // Held and open: it is the agent's now, and leaves the list.
    await desk.getByRole('tab', { name: /Nobody answered/ }).waitFor();
    await list.getByRole('button', { name: /Nobody answered/ }).waitFor({ state: 'detached' });
    const held = await platform.db.interaction.findFirstOrThrow({ where: { accountId: routed.account.id, subject: 'Nobody answered' } });
    expect(held).toMatchObject({ agentId: agent.id, routingState: 'accepted' });

    const other = await platform.db.interaction.findFirstOrThrow({ where: { accountId: routed.account.id, subject: 'Also waiting' } });
    const { page: view } = await openPage(browser, platform.apiUrl);
    await logIn(view, supervisor.email, supervisor.password);
    await view.goto(`/app/supervisor/interactions/${other.id}`);
    const requeue = view.getByRole('form', { name: 'Send to a queue' });
    await requeue.getByLabel('Send to queue').selectOption({ index: 1 });
    expect(await accessibilityViolations(view)).toEqual([]);
    await requeue.getByRole('button', { name: 'Send' }).click();
    await view.getByText('Sent to the queue.').waitFor();
    const events = await platform.db.routingEvent.findMany({ where: { interactionId: other.id, type: 'routed-by-supervisor' } });
    expect(events).toHaveLength(1);
  });
});
