/** A child process that signs part of the fresh-token pool (see jwt-pool.ts). */
import { privateKeyOf, signLike, type TokenTemplate } from './jwt';

interface SignJob {
  pem: string;
  template: TokenTemplate;
  count: number;
}

process.once('message', (job: SignJob) => {
  const key = privateKeyOf(job.pem);
  const tokens = Array.from({ length: job.count }, () => signLike(job.template, key));
  process.send?.({ tokens }, () => process.exit(0));
});
