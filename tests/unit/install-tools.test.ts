/**
 * scripts/install-tools.sh decides what is missing from what is really there. Its steps run sourced, with apt-get
 * and Dovecot's doveconf replaced by stubs on PATH: the stub apt-get records what it was asked to install.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../scripts/install-tools.sh');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'install-tools-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function executable(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

/**
 * Runs one step of the script with a Dovecot whose programs directory (doveconf's libexec_dir) holds `programs`.
 * Answers the step's output and the apt-get commands it ran.
 */
function runStep(step: string, programs: string[]): { output: string; apt: string[] } {
  const bin = path.join(dir, 'bin');
  const libexec = path.join(dir, 'libexec');
  mkdirSync(libexec, { recursive: true });
  for (const program of programs) executable(path.join(libexec, program), '#!/bin/sh\n');
  const aptLog = path.join(dir, 'apt-get.log');
  executable(path.join(bin, 'apt-get'), `#!/bin/sh\necho "$*" >> '${aptLog}'\n`);
  executable(path.join(bin, 'sudo'), '#!/bin/sh\nexec "$@"\n');
  executable(path.join(bin, 'dovecot'), '#!/bin/sh\necho 2.3.19.1\n');
  executable(path.join(bin, 'doveconf'), `#!/bin/sh\n[ "$*" = "-d -h libexec_dir" ] && echo '${libexec}'\n`);
  const output = execFileSync('bash', ['-c', `source '${SCRIPT}' --test && ${step}`], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, MAILROUTE_TOOLS_DIR: path.join(dir, 'tools') },
    encoding: 'utf8',
  });
  const apt = existsSync(aptLog) ? readFileSync(aptLog, 'utf8').trim().split('\n') : [];
  return { output, apt: apt.filter((line) => !line.startsWith('update')) };
}

describe('install-tools --test: Dovecot', () => {
  it('installs dovecot-imapd when only the dovecot binary is there, without its IMAP programs', () => {
    const { output, apt } = runStep('install_dovecot', ['lmtp']);
    expect(output).not.toMatch(/Dovecot.* present/);
    expect(apt).toEqual([expect.stringMatching(/^(-\S+ )*install .*\bdovecot-imapd\b/)]);
  });

  it('says Dovecot IMAP is present, and installs nothing, when its imap and imap-login programs are there', () => {
    const { output, apt } = runStep('install_dovecot', ['imap', 'imap-login', 'lmtp']);
    expect(output).toMatch(/Dovecot IMAP present/);
    expect(apt).toEqual([]);
  });
});
