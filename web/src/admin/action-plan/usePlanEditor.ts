/**
 * The action plan editor's state: the account's current plan loaded into step drafts (nothing to edit until it
 * arrives, so steps added meanwhile are not wiped by a late load), the admin's edits, and publishing a new version.
 */
import { useEffect, useReducer, useState } from 'preact/hooks';
import type { ActionPlanVersion } from '../../../../api/schemas/action-plans';
import type { ActionStep } from '../../../../domain/action-plan-schema';
import { get, put } from '../../api';
import { stepsReducer, toStep, type StepsAction } from './drafts';

/** One published version of an account's plan (GET /accounts/:id/action-plan): its steps are the ones published. */
export type PlanVersion = Omit<ActionPlanVersion, 'steps'> & { steps: ActionStep[] };

export function usePlanEditor(accountId: number | null) {
  const [steps, dispatchSteps] = useReducer(stepsReducer, []);
  const [loadedVersion, setLoadedVersion] = useState<number | null>(null);
  /** The account whose current plan is in the editor (null while it loads). */
  const [loadedAccount, setLoadedAccount] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [published, setPublished] = useState<number | null>(null);
  /** Counts publications, so the versions list loads again. */
  const [publications, setPublications] = useState(0);

  const load = (plan: PlanVersion | null) => {
    dispatchSteps({ type: 'load', steps: plan?.steps ?? [] });
    setLoadedVersion(plan?.version ?? null);
    setError(null);
    setPublished(null);
  };

  useEffect(() => {
    if (!accountId) return;
    setLoadedAccount(null);
    let current = true;
    const show = (plan: PlanVersion | null) => {
      if (!current) return;
      load(plan);
      setLoadedAccount(accountId);
    };
    get<PlanVersion>(`/accounts/${accountId}/action-plan`).then(show, () => show(null));
    return () => {
      current = false;
    };
  }, [accountId]);

  /** Edits; changing a step's inputs or type clears "Published version N.". */
  const dispatch = (action: StepsAction) => {
    dispatchSteps(action);
    if (action.type === 'set' || action.type === 'retype') setPublished(null);
  };

  const publish = async () => {
    try {
      const plan = await put<PlanVersion>(`/accounts/${accountId}/action-plan`, { steps: steps.map(toStep) });
      setPublished(plan.version);
      setLoadedVersion(plan.version);
      setError(null);
      setPublications((value) => value + 1);
    } catch (failure) {
      setError(failure);
    }
  };

  return {
    steps,
    dispatch,
    /** The current plan of the chosen account is in the editor. */
    ready: accountId !== null && loadedAccount === accountId,
    loadedVersion,
    error,
    published,
    publications,
    load,
    publish,
  };
}
