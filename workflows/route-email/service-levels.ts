/**
 * The interaction's service levels, timed beside the routing story by durable timers: first response (from the
 * customer's email to the first reply), next response (from each customer email that follows a reply to the next
 * reply) and resolution (from the email to closing, paused while waiting on the customer if the policy says so),
 * each in the policy's business hours. A warning before the due moment and the breach at it escalate; a worker that
 * dies and a run that is replayed neither lose nor repeat one (the timers are in the run's history and the
 * escalation activity acts once per target, cycle and level). A clock's cycle is the id of the customer message
 * that started it, so a reopened interaction's clocks are new ones.
 */
import { condition, upsertSearchAttributes } from '@temporalio/workflow';
import { slaAttribute } from '../../contracts/search-attributes';
import { addBusinessSeconds, businessSecondsBetween } from '../../domain/calendar';
import { failureReason } from '../../domain/errors';
import type { SlaLevel, SlaPlan, SlaTarget } from '../../domain/sla';
import { autoreplySmtp, routing, sla } from './activities';
import { startTransfer } from './held';
import type { PlacedRun } from './placement';

/** What the clocks hear of from the run's handlers, in order. */
export type ServiceNews = { kind: 'reply'; at: number } | { kind: 'customer'; at: number; messageId: number };

interface Clock {
  target: SlaTarget;
  cycle: number;
  seconds: number;
  /** Business seconds used before the current running stretch. */
  used: number;
  /** Start of the current running stretch; null while paused (waiting on the customer). */
  runningSince: number | null;
  dueAt: number;
  warnAt: number | null;
  warned: boolean;
  breached: boolean;
  met: boolean;
}

export class ServiceLevels {
  private readonly clocks: Clock[] = [];
  private awaitingCustomer = false;
  private stopping = false;
  private shown: string | undefined;
  private timing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly run: PlacedRun,
    private readonly plan: SlaPlan,
  ) {}

  /** Loads the account's policy for the interaction and starts its clocks; null when no policy measures it. */
  static async start(run: PlacedRun): Promise<ServiceLevels | null> {
    // Heard from before the plan is loaded: a reply or customer email arriving meanwhile counts.
    run.serviceNews = [];
    const plan = await sla.loadSlaPlan({ interactionId: run.input.interactionId });
    if (plan === null || plan.targets.length === 0) {
      run.serviceNews = null;
      return null;
    }
    const levels = new ServiceLevels(run, plan);
    const now = Date.now();
    await levels.open('first-response', run.input.messageId, now);
    await levels.open('resolution', run.input.messageId, now);
    levels.show();
    levels.timing = levels.keepTime();
    return levels;
  }

  /** The run has ended: closing meets every clock still running (a breach already made stays a breach). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.timing;
    if (!this.run.closed) return;
    const now = Date.now();
    for (const clock of this.clocks) if (!clock.met) await this.meet(clock, now);
    this.show();
  }

  private async keepTime(): Promise<void> {
    const news = this.run.serviceNews!;
    for (;;) {
      const wakeAt = this.nextMoment();
      const heard = () => this.stopping || news.length > 0;
      if (wakeAt === null) await condition(heard);
      else await condition(heard, Math.max(1, wakeAt - Date.now()));
      for (const heardOf of news.splice(0)) await this.hear(heardOf);
      if (this.stopping) return;
      await this.escalateDue();
      this.show();
    }
  }

  private async hear(news: ServiceNews): Promise<void> {
    if (news.kind === 'reply') {
      for (const clock of this.clocks) {
        if (!clock.met && (clock.target === 'first-response' || clock.target === 'next-response')) await this.meet(clock, news.at);
      }
      this.awaitingCustomer = true;
      if (this.plan.pauseWhileWaitingOnCustomer) for (const clock of this.running('resolution')) this.pause(clock, news.at);
      return;
    }
    // Only a customer email that answers a reply starts a next-response clock; a second one before it adds nothing.
    if (!this.awaitingCustomer) return;
    this.awaitingCustomer = false;
    await this.open('next-response', news.messageId, news.at);
    for (const clock of this.clocks) if (!clock.met && clock.runningSince === null) await this.resume(clock, news.at);
  }

  private async escalateDue(): Promise<void> {
    const now = Date.now();
    for (const clock of this.clocks) {
      if (clock.met || clock.runningSince === null || clock.breached) continue;
      // A warning whose moment passed while no worker ran is still made, before the breach: none is lost.
      if (!clock.warned && clock.warnAt !== null && now >= clock.warnAt) await this.escalate(clock, 'warning');
      if (now >= clock.dueAt) await this.escalate(clock, 'breach');
    }
  }

  private async escalate(clock: Clock, level: SlaLevel): Promise<void> {
    const { requeueTo, outboundIds } = await sla.escalateSla({
      interactionId: this.run.input.interactionId,
      policyId: this.plan.policyId,
      target: clock.target,
      cycle: clock.cycle,
      level,
      actions: level === 'warning' ? this.plan.warningActions : this.plan.breachActions,
      at: new Date(level === 'warning' ? clock.warnAt! : clock.dueAt).toISOString(),
    });
    clock.warned = true;
    if (level === 'breach') clock.breached = true;
    for (const outboundId of outboundIds) await this.sendEmail(outboundId, clock.target, level);
    if (requeueTo !== null) await this.requeue(requeueTo, clock.target);
  }

  /** A supervisor's escalation email: sent at most once (the outbox row), a few tries; a failure is on the log. */
  private async sendEmail(outboundId: number, target: SlaTarget, level: SlaLevel): Promise<void> {
    try {
      await autoreplySmtp.sendOutbound({ outboundId });
    } catch (error) {
      await routing.recordRoutingEvent({
        ...this.run.ids(),
        type: 'sla-email-failed',
        detail: { target, level, outboundId, reason: failureReason(error) },
      });
    }
  }

  /**
   * An escalation queue: a held interaction is transferred there, an unassigned one sent there, one the routing is
   * still offering taken out of its step and offered there. One on its way elsewhere (a transfer, a supervisor's
   * choice) stays on its way.
   */
  private async requeue(queueId: number, target: SlaTarget): Promise<void> {
    const run = this.run;
    const { state, holderAgentId } = run.status;
    if (state === 'accepted' && holderAgentId !== null && run.transferRequest === null) {
      startTransfer(run, { kind: 'queue', queueId });
    } else if (state === 'unassigned' && !run.pickingUp && run.supervisorRequest === null) {
      run.supervisorRequest = { actorId: null, target: { kind: 'queue', queueId } };
    } else if (run.escalatable) {
      run.escalateTo = queueId;
    } else {
      await routing.recordRoutingEvent({
        ...run.ids(),
        type: 'sla-requeue-skipped',
        detail: { target, queueId, reason: `the interaction is on its way elsewhere (${state})` },
      });
    }
  }

  private async open(target: SlaTarget, cycle: number, at: number): Promise<void> {
    const seconds = this.plan.targets.find((measured) => measured.target === target)?.seconds;
    if (seconds === undefined) return;
    const clock: Clock = {
      target,
      cycle,
      seconds,
      used: 0,
      runningSince: at,
      dueAt: 0,
      warnAt: null,
      warned: false,
      breached: false,
      met: false,
    };
    this.clocks.push(clock);
    await this.schedule(clock, at);
  }

  /** Due (and warning) moments from the running stretch's start, in business time; recorded for lists and reports. */
  private async schedule(clock: Clock, from: number): Promise<void> {
    const left = clock.seconds - clock.used;
    clock.dueAt = this.after(from, left);
    const warning = this.plan.warningBeforeSeconds;
    clock.warnAt = warning > 0 && !clock.warned ? this.after(from, Math.max(0, left - warning)) : null;
    await sla.recordSlaTarget({
      interactionId: this.run.input.interactionId,
      policyId: this.plan.policyId,
      target: clock.target,
      cycle: clock.cycle,
      startedAt: new Date(from).toISOString(),
      dueAt: new Date(clock.dueAt).toISOString(),
    });
  }

  private pause(clock: Clock, at: number): void {
    if (clock.runningSince === null) return;
    clock.used += this.between(clock.runningSince, at);
    clock.runningSince = null;
  }

  private async resume(clock: Clock, at: number): Promise<void> {
    clock.runningSince = at;
    await this.schedule(clock, at);
  }

  private async meet(clock: Clock, at: number): Promise<void> {
    clock.met = true;
    await sla.recordSlaMet({
      interactionId: this.run.input.interactionId,
      target: clock.target,
      cycle: clock.cycle,
      metAt: new Date(at).toISOString(),
    });
  }

  private running(target: SlaTarget): Clock[] {
    return this.clocks.filter((clock) => clock.target === target && !clock.met && clock.runningSince !== null);
  }

  /** The next warning or due moment of a running clock; null when none is running. */
  private nextMoment(): number | null {
    let next: number | null = null;
    for (const clock of this.clocks) {
      if (clock.met || clock.runningSince === null || clock.breached) continue;
      const moment = !clock.warned && clock.warnAt !== null && clock.warnAt < clock.dueAt ? clock.warnAt : clock.dueAt;
      if (next === null || moment < next) next = moment;
    }
    return next;
  }

  private after(from: number, seconds: number): number {
    const calendar = this.plan.calendar;
    return calendar === null ? from + seconds * 1000 : addBusinessSeconds(calendar, new Date(from), seconds).getTime();
  }

  private between(from: number, to: number): number {
    const calendar = this.plan.calendar;
    return calendar === null ? Math.max(0, (to - from) / 1000) : businessSecondsBetween(calendar, new Date(from), new Date(to));
  }

  /** The Web UI's MailrouteSla: the worst standing of the interaction's clocks. */
  private show(): void {
    const standing = this.clocks.some((clock) => clock.breached)
      ? 'breached'
      : this.clocks.some((clock) => clock.warned && !clock.met)
        ? 'at-risk'
        : this.clocks.some((clock) => !clock.met)
          ? 'running'
          : 'met';
    if (standing === this.shown) return;
    this.shown = standing;
    upsertSearchAttributes([{ key: slaAttribute, value: standing }]);
  }
}
