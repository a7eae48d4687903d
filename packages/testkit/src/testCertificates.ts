// Client certificates that LOMS must refuse or not know, made with openssl in a scratch folder.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { certsDir } from '@shop/devstack';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

export interface TestCertificates {
  /** Signed by the dev CA, CN `stranger`: an identity the permission table does not name. */
  stranger: CertificateFiles;
  /** Signed by the dev CA for `admin`, but valid only in January 2020. */
  expiredAdmin: CertificateFiles;
  /** CN `admin`, signed by a CA of its own that LOMS does not trust. */
  foreignAdmin: CertificateFiles;
  remove(): void;
}

const openssl = (cwd: string, args: string[]) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });

const caConfig = `[ca]
default_ca = test
[test]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
[client]
extendedKeyUsage = clientAuth
`;

export function makeTestCertificates(): TestCertificates {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'test-certs-'));
  fs.writeFileSync(path.join(dir, 'ca.cnf'), caConfig);
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'serial'), '01\n');
  const devCa = { cert: path.join(certsDir(), 'ca.crt'), key: path.join(certsDir(), 'ca.key') };

  const issue = (name: string, cn: string, ca: { cert: string; key: string }, dates = ['-days', '30']): CertificateFiles => {
    openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.csr`]);
    openssl(dir, [
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-cert',
      ca.cert,
      '-keyfile',
      ca.key,
      '-in',
      `${name}.csr`,
      '-out',
      `${name}.crt`,
      '-extensions',
      'client',
      '-notext',
      ...dates,
    ]);
    return { certFile: path.join(dir, `${name}.crt`), keyFile: path.join(dir, `${name}.key`) };
  };

  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '30',
    '-subj',
    '/CN=foreign CA',
    '-keyout',
    'foreign-ca.key',
    '-out',
    'foreign-ca.crt',
  ]);
  return {
    stranger: issue('stranger', 'stranger', devCa),
    expiredAdmin: issue('expired-admin', 'admin', devCa, ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z']),
    foreignAdmin: issue('foreign-admin', 'admin', { cert: path.join(dir, 'foreign-ca.crt'), key: path.join(dir, 'foreign-ca.key') }),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
