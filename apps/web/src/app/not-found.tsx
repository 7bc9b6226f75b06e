import Link from 'next/link';
import { StatePanel } from '@/components/state-panel';

/** Any unknown address. */
export default function NotFound() {
  return (
    <StatePanel
      title="Page not found"
      headingLevel={1}
      action={
        <Link href="/" className="button">
          Go to the start page
        </Link>
      }
    >
      <p>There is nothing at this address.</p>
    </StatePanel>
  );
}
