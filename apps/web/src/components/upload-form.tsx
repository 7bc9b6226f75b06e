'use client';

import { useTRPC } from '@jobstream/react';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { isCsvFile } from '@/lib/is-csv-file';
import { uploadCsv } from '@/lib/upload-csv';
import { FileDropZone } from './file-drop-zone';
import { StatePanel } from './state-panel';
import { TemplateColumns } from './template-columns';
import { TemplatePicker } from './template-picker';
import { UploadBytesProgress, type UploadPhase } from './upload-bytes-progress';

/** Choose a template and a CSV file, send it with a byte progress bar, then go to the new job's page. */
export function UploadForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const templates = useQuery(trpc.upload.templates.queryOptions());
  const [templateName, setTemplateName] = useState<string>();
  const [file, setFile] = useState<File>();
  const [phase, setPhase] = useState<UploadPhase>({ kind: 'idle' });
  const [error, setError] = useState<string>();
  const abort = useRef<AbortController | undefined>(undefined);

  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    if (templateName === undefined && templates.data?.[0]) setTemplateName(templates.data[0].name);
  }, [templateName, templates.data]);

  if (templates.isPending) return <StatePanel tone="loading" title="Loading templates…" />;
  if (templates.isError) {
    return <StatePanel tone="error" title="Templates could not be loaded" onRetry={() => templates.refetch()} />;
  }

  const template = templates.data.find((t) => t.name === templateName);
  const busy = phase.kind !== 'idle';

  const chooseFile = (chosen: File | undefined) => {
    setError(chosen && !isCsvFile(chosen) ? `${chosen.name} is not a CSV file.` : undefined);
    setFile(chosen && isCsvFile(chosen) ? chosen : undefined);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file || !template) return;
    setError(undefined);
    const controller = new AbortController();
    abort.current = controller;
    setPhase({ kind: 'uploading', bytes: { sent: 0, total: file.size } });
    try {
      const outcome = await uploadCsv(file, template.name, {
        signal: controller.signal,
        onProgress: (bytes) => setPhase({ kind: 'uploading', bytes }),
      });
      if (outcome.ok) {
        setPhase({ kind: 'done' });
        router.push(`/jobs/${outcome.jobId}`);
        return;
      }
      setError(outcome.error);
    } catch {
      setError('Upload cancelled.');
    }
    setPhase({ kind: 'idle' });
  };

  return (
    <form className="card upload-form" onSubmit={submit} aria-busy={busy}>
      <TemplatePicker templates={templates.data} value={templateName} onChange={setTemplateName} disabled={busy} />
      {template ? <TemplateColumns template={template} /> : null}
      <FileDropZone file={file} onFile={chooseFile} disabled={busy} />
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {phase.kind === 'idle' ? (
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={!file || !template}>
            Start import
          </button>
        </div>
      ) : (
        <UploadBytesProgress phase={phase} onCancel={() => abort.current?.abort()} />
      )}
    </form>
  );
}
