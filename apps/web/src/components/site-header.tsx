import Link from 'next/link';
import { ConnectionIndicator } from './connection-indicator';
import { NavLink } from './nav-link';

/** The top bar: brand, navigation and the live connection's status. */
export function SiteHeader() {
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link href="/" className="brand">
          <span className="brand__mark" aria-hidden="true" />
          jobstream
        </Link>
        <nav className="nav" aria-label="Main">
          <NavLink href="/">New import</NavLink>
          <NavLink href="/jobs" prefix>
            Jobs
          </NavLink>
        </nav>
        <ConnectionIndicator />
      </div>
    </header>
  );
}
