import type { Metadata } from 'next';
import { JobView } from '@/components/job-view';
import { SessionGate } from '@/components/session-gate';

/** The page's title until the job is known (the job page then names itself after the file). */
export const metadata: Metadata = { title: 'Import' };

/** One job, live. */
export default async function JobPage({ params }: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await params;
  return (
    <SessionGate headingLevel={1}>
      <JobView key={jobId} jobId={jobId} />
    </SessionGate>
  );
}
