// `make token USER=7 [ADMIN=1]`: prints a dev shopper token (valid 1 h) on one line.
import path from 'node:path';
import { signDevToken } from '@shop/devstack';

const user = process.env.USER_ID ?? '';
if (!/^[1-9]\d*$/.test(user)) {
  console.error('usage: make token USER=<user id> [ADMIN=1]');
  process.exit(2);
}
const admin = ['1', 'true', 'yes'].includes(process.env.ADMIN ?? '');
// The same issuer and audience as the services started from this environment expect.
const claims = {
  userId: user,
  admin,
  issuer: process.env.AUTH_JWT_ISSUER || undefined,
  audience: process.env.AUTH_JWT_AUDIENCE || undefined,
};
signDevToken(path.join(__dirname, '..', 'certs'), claims).then(
  (token) => process.stdout.write(token + '\n'),
  (err: unknown) => {
    console.error(`cannot sign a token: ${err instanceof Error ? err.message : String(err)}; run \`make certs\``);
    process.exit(1);
  },
);
