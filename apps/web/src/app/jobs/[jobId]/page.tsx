import type { Metadata } from 'next';
import { JobView } from '@/components/job-view';

/** The page's title. */
export const metadata: Metadata = { title: 'Job' };

/** One job, live. */
export default async function JobPage({ params }: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await params;
  return <JobView key={jobId} jobId={jobId} />;
}
