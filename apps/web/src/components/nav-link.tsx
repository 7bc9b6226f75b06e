'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';

/** Props of `NavLink`. */
export interface NavLinkProps {
  href: string;
  children: ReactNode;
  /** Also current on paths below `href`. */
  prefix?: boolean;
}

/** A header link marked `aria-current="page"` when it is the page shown. */
export function NavLink({ href, children, prefix = false }: NavLinkProps) {
  const pathname = usePathname();
  const current = pathname === href || (prefix && pathname.startsWith(`${href}/`));
  return (
    <Link href={href} className="nav__link" aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}
