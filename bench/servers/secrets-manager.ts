/**
 * The loopback Secrets Manager stub in a process of its own, holding the one secret given
 * as argv (ARN, secret string): the bench imports bundles with spawnSync, which would block
 * a stub running in the bench's own event loop.
 */
import { startSecretsManagerStub } from '../../test/helpers/secrets-manager-stub.js';

const [arn, secret] = process.argv.slice(2);
const stub = await startSecretsManagerStub();
stub.secrets.set(arn!, secret!);
console.log(JSON.stringify({ url: stub.url }));
process.on('SIGTERM', () => void stub.stop().then(() => process.exit(0)));
