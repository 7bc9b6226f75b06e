import type { Metadata } from 'next';
import Link from 'next/link';
import { JobsList } from '@/components/jobs-list';
import { SessionGate } from '@/components/session-gate';

/** The page's title. */
export const metadata: Metadata = { title: 'Jobs' };

/** The caller's recent jobs. */
export default function JobsPage() {
  return (
    <div className="stack">
      <header className="page-header">
        <div className="page-header__text">
          <h1 className="page-title">Recent jobs</h1>
          <p className="page-lead">Imports started in this browser, newest first. Running ones update live.</p>
        </div>
        <Link href="/" className="button button--primary">
          New import
        </Link>
      </header>
      <SessionGate>
        <JobsList />
      </SessionGate>
    </div>
  );
}
