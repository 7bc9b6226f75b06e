import type { ReactNode } from 'react';

/** Props of `Stat`. */
export interface StatProps {
  label: string;
  children: ReactNode;
  tone?: 'neutral' | 'success' | 'danger';
}

/** One labelled figure in a stats grid, as a description-list pair. */
export function Stat({ label, children, tone = 'neutral' }: StatProps) {
  return (
    <div className={`stat stat--${tone}`}>
      <dt className="stat__label">{label}</dt>
      <dd className="stat__value">{children}</dd>
    </div>
  );
}
