/** The reports page's figures as cards and tables (docs/reports.md says what each one means). */
import type { ReportBreakdown, ReportSummary } from '../types';
import { formatSeconds } from '../ui';

const duration = (seconds: number | null) => (seconds === null ? '–' : formatSeconds(seconds));
const percent = (share: number | null) => (share === null ? '–' : `${Math.round(share * 1000) / 10} %`);

function Card({ label, value, detail }: { label: string; value: string | number; detail?: string }) {
  return (
    <div class="report-card">
      <dt>{label}</dt>
      <dd>
        <span class="report-value">{value}</span>
        {detail && <span class="report-detail">{detail}</span>}
      </dd>
    </div>
  );
}

export function SummaryCards({ summary }: { summary: ReportSummary }) {
  const { volumes, waiting, firstResponse, handle, sla } = summary;
  return (
    <section aria-labelledby="report-summary">
      <h2 id="report-summary">Summary</h2>
      <dl class="report-cards">
        <Card label="Customer emails" value={volumes.inbound} />
        <Card label="Agent emails" value={volumes.outbound} />
        <Card label="New interactions" value={volumes.newInteractions} />
        <Card label="Closed" value={volumes.closed} />
        <Card label="Autoreplies" value={volumes.autoreplies} />
        <Card label="Transfers" value={volumes.transfers} />
        <Card label="Waiting, median" value={duration(waiting.p50)} detail={`90 %: ${duration(waiting.p90)} · ${waiting.count} accepted`} />
        <Card
          label="First response, median"
          value={duration(firstResponse.p50)}
          detail={`90 %: ${duration(firstResponse.p90)} · ${firstResponse.count} answered`}
        />
        <Card label="Handle time, median" value={duration(handle.p50)} detail={`90 %: ${duration(handle.p90)} · ${handle.count} closed`} />
        <Card label="SLA met" value={percent(sla.compliance)} detail={`${sla.met} met · ${sla.breached} breached · ${sla.pending} open`} />
      </dl>
    </section>
  );
}

export function DispositionsTable({ summary }: { summary: ReportSummary }) {
  return (
    <section aria-labelledby="report-dispositions">
      <h2 id="report-dispositions">Dispositions</h2>
      {summary.dispositions.length === 0 ? (
        <p class="notice">Nothing closed in this range.</p>
      ) : (
        <table class="report-table">
          <thead>
            <tr>
              <th scope="col">Disposition</th>
              <th scope="col">Closed</th>
            </tr>
          </thead>
          <tbody>
            {summary.dispositions.map((row) => (
              <tr key={row.dispositionId ?? 'none'}>
                <th scope="row">{row.name ?? 'None'}</th>
                <td>{row.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function BreakdownTable({
  title,
  who,
  breakdown,
  onCsv,
}: {
  title: string;
  who: string;
  breakdown: ReportBreakdown;
  onCsv: () => void;
}) {
  const id = `report-${who.toLowerCase()}s`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>
        {title}{' '}
        <button type="button" class="link" onClick={onCsv}>
          CSV <span class="sr-only">of {title.toLowerCase()}</span>
        </button>
      </h2>
      {breakdown.rows.length === 0 ? (
        <p class="notice">No figures in this range.</p>
      ) : (
        <div class="report-table-scroll">
          <table class="report-table">
            <thead>
              <tr>
                <th scope="col">{who}</th>
                <th scope="col">Customer emails</th>
                <th scope="col">Agent emails</th>
                <th scope="col">Closed</th>
                <th scope="col">Transfers</th>
                <th scope="col">Waiting p50 / p90</th>
                <th scope="col">First response p50 / p90</th>
                <th scope="col">Handle p50 / p90</th>
              </tr>
            </thead>
            <tbody>
              {breakdown.rows.map((row) => (
                <tr key={row.id ?? 'none'}>
                  <th scope="row">{row.name ?? `(no ${who.toLowerCase()})`}</th>
                  <td>{row.inbound}</td>
                  <td>{row.outbound}</td>
                  <td>{row.closed}</td>
                  <td>{row.transfers}</td>
                  <td>
                    {duration(row.waitingP50)} / {duration(row.waitingP90)}
                  </td>
                  <td>
                    {duration(row.firstResponseP50)} / {duration(row.firstResponseP90)}
                  </td>
                  <td>
                    {duration(row.handleP50)} / {duration(row.handleP90)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
