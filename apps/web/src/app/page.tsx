import type { Metadata } from 'next';
import { UploadForm } from '@/components/upload-form';

/** The page's title. */
export const metadata: Metadata = { title: 'New import' };

/** Home: upload a CSV file for import. */
export default function HomePage() {
  return (
    <div className="stack">
      <header className="page-header">
        <div className="page-header__text">
          <h1 className="page-title">Import a CSV file</h1>
          <p className="page-lead">Pick what you are importing, add the file, and follow the import live.</p>
        </div>
      </header>
      <UploadForm />
    </div>
  );
}
