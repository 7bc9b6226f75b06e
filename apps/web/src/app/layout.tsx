import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '@/components/providers';
import { SiteHeader } from '@/components/site-header';
import './globals.css';

/** The page's title and description. */
export const metadata: Metadata = {
  title: { default: 'jobstream', template: '%s · jobstream' },
  description: 'Import CSV files and watch them progress live.',
};

/** Phone-friendly viewport and the browser theme color. */
export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#4f46e5' };

/** The page frame: header with the connection indicator, then the page (each waits for the session where it needs one). */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <SiteHeader />
          <main className="page">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
