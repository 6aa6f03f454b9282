/**
 * What `npm start` prints once everything answers: each URL, the demo agents' logins, and the environment setting
 * behind every port (saying when a default was taken and another port used).
 */
import type { DemoRun, PortSetting } from '../demo';

export interface BannerInput {
  upSeconds: number;
  apiUrl: string;
  healthUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  adminEmail: string;
  adminPasswordFile: string;
  ports: PortSetting[];
  demo: DemoRun | undefined;
}

function portLine({ what, env, port, movedFrom }: PortSetting): string {
  const moved = movedFrom === undefined ? '' : `   (${movedFrom} was taken)`;
  return `  ${what.padEnd(19)} ${String(port).padEnd(6)} ${env}=${port}${moved}`;
}

export function startBanner(input: BannerInput): string {
  const { apiUrl, demo } = input;
  const lines = [
    '',
    `mailroute is running (up in ${input.upSeconds.toFixed(1)} s)`,
    `  Web client     ${apiUrl}/app/`,
    `  API            ${apiUrl}/api`,
    `  OpenAPI docs   ${apiUrl}/docs   (document: ${apiUrl}/openapi.json)`,
    `  Metrics        ${apiUrl}/metrics (API)   ${input.healthUrl}/metrics (worker)`,
    `  Temporal UI    ${input.temporalUiUrl ?? '(external Temporal: see your own Web UI)'}`,
    `  Temporal       ${input.temporalAddress}`,
    `  Admin login    ${input.adminEmail} / password in ${input.adminPasswordFile} (unless MAILROUTE_ADMIN_PASSWORD is set)`,
  ];
  if (demo) {
    lines.push(
      '',
      `Demo: the account "Demo shop support" (${demo.state.emailAddress}) on a local demo mailbox`,
      ...demo.state.agents.map((agent) => `  Demo agent     ${agent.email} / ${agent.password}`),
      '  Sample emails  npm run demo:mail   (or "Drop sample emails" on the demo account in the web client)',
      `  Sent email     ${demo.sentDir}`,
      '  Delete the demo account to stop the demo mailbox for good.',
    );
  }
  lines.push('', 'Ports (set each with its variable):', ...input.ports.map(portLine));
  lines.push('', 'A worker or API that dies is started again. Press Ctrl+C to stop.');
  return lines.join('\n');
}
