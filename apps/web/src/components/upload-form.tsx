'use client';

import { useTRPC } from '@jobstream/react';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { Template, UploadLimits } from '@/lib/api-types';
import { checkUploadFile } from '@/lib/check-upload-file';
import { formatBytes } from '@/lib/format-bytes';
import { formatCount } from '@/lib/format-count';
import type { UploadOutcome } from '@/lib/read-upload-response';
import { uploadCsv } from '@/lib/upload-csv';
import { FileDropZone } from './file-drop-zone';
import { useSession } from './session-context';
import { TemplateColumns } from './template-columns';
import { TemplatePicker } from './template-picker';
import { UploadBytesProgress, type UploadPhase } from './upload-bytes-progress';

/** The result of checking one file against one template and the limits, kept with what it was checked against. */
interface FileCheck {
  file: File;
  template: Template | undefined;
  limits: UploadLimits | null | undefined;
  problem: string | undefined;
}

const UNREACHABLE = 'Can’t reach jobstream right now. This page keeps trying and carries on by itself once it answers.';

function acceptsText(limits: UploadLimits | null | undefined): string {
  if (!limits) return 'CSV files';
  return `CSV files up to ${formatBytes(limits.maxUploadBytes)} and ${formatCount(limits.maxRows)} rows`;
}

/** Words for a refused upload: the server's own for a bad file, plain ones for a size or an unreachable server. */
function uploadError(
  outcome: Extract<UploadOutcome, { ok: false }>,
  file: File,
  limits: UploadLimits | null | undefined,
) {
  if (outcome.status === 413 && limits) {
    return `${file.name} is larger than the ${formatBytes(limits.maxUploadBytes)} a file can have.`;
  }
  if (outcome.status === 0 || outcome.status >= 500)
    return 'jobstream is not answering right now. Try again in a moment.';
  return outcome.error;
}

/**
 * Choose a template and a CSV file, checked at once against the template's header and the server's limits (before
 * any byte is sent), then send it with a byte progress bar and go to the new job's page. The form's parts show at
 * once; templates, limits and the session load side by side.
 */
export function UploadForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const session = useSession();
  const templates = useQuery(trpc.upload.templates.queryOptions());
  const limits = useQuery(trpc.upload.limits.queryOptions());
  const [templateName, setTemplateName] = useState<string>();
  const [file, setFile] = useState<File>();
  const [check, setCheck] = useState<FileCheck>();
  const [phase, setPhase] = useState<UploadPhase>({ kind: 'idle' });
  const [error, setError] = useState<string>();
  const abort = useRef<AbortController | undefined>(undefined);
  const problemId = useId();

  const template = templates.data?.find((t) => t.name === templateName);
  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    if (templateName === undefined && templates.data?.[0]) setTemplateName(templates.data[0].name);
  }, [templateName, templates.data]);
  useEffect(() => {
    if (!file) return;
    let current = true;
    const against = { file, template, limits: limits.data };
    void checkUploadFile(file, template, limits.data).then((problem) => current && setCheck({ ...against, problem }));
    return () => {
      current = false;
    };
  }, [file, template, limits.data]);

  const checked =
    check !== undefined && check.file === file && check.template === template && check.limits === limits.data;
  const problem = checked ? check.problem : undefined;
  const shownError = problem ?? error;
  const busy = phase.kind !== 'idle';
  const unreachable = session.kind === 'error' || templates.failureCount > 0 || limits.failureCount > 0;
  const ready = file && template && checked && !problem && limits.data !== undefined && session.kind === 'ready';

  const chooseFile = (chosen: File | undefined) => {
    setFile(chosen);
    setError(undefined);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
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
      setError(uploadError(outcome, file, limits.data));
    } catch {
      setError('Upload cancelled.');
    }
    setPhase({ kind: 'idle' });
  };

  return (
    <form className="card upload-form" onSubmit={submit} aria-busy={busy}>
      {unreachable ? (
        <p className="form-note" role="status">
          {UNREACHABLE}
        </p>
      ) : null}
      <TemplatePicker
        templates={templates.data}
        waiting="Loading templates…"
        value={templateName}
        onChange={setTemplateName}
        disabled={busy}
      />
      {template ? <TemplateColumns template={template} /> : null}
      <FileDropZone
        file={file}
        onFile={chooseFile}
        accepts={acceptsText(limits.data)}
        problemId={shownError ? problemId : undefined}
        disabled={busy}
      />
      {shownError ? (
        <p className="form-error" role="alert" id={problemId} data-testid="form-error">
          {shownError}
        </p>
      ) : null}
      {phase.kind === 'idle' ? (
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={!ready}>
            Start import
          </button>
        </div>
      ) : (
        <UploadBytesProgress phase={phase} onCancel={() => abort.current?.abort()} />
      )}
    </form>
  );
}
