/** The account's published plan versions, newest first; any of them can be loaded into the editor. */
import { get } from '../../api';
import type { Page } from '../../types';
import { ErrorText, formatDate, useLoad } from '../../ui';
import type { PlanVersion } from './usePlanEditor';

export function Versions({
  accountId,
  publications,
  onLoad,
}: {
  accountId: number;
  /** Changes when a version is published (the list loads again). */
  publications: number;
  onLoad: (plan: PlanVersion) => void;
}) {
  const versions = useLoad(
    () => get<Page<PlanVersion>>(`/accounts/${accountId}/action-plan/versions?sort=version&order=desc&limit=20`).then((page) => page.items),
    [accountId, publications],
  );
  return (
    <details>
      <summary>Versions ({versions.data?.length ?? 0})</summary>
      <ErrorText error={versions.error} />
      <ul>
        {versions.data?.map((plan) => (
          <li key={plan.version}>
            Version {plan.version} · {formatDate(plan.createdAt)} · {plan.steps.length} step(s){' '}
            <button type="button" class="small" onClick={() => onLoad(plan)}>
              Load into editor
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
