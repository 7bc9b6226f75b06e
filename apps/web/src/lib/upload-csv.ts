import { readUploadResponse, type UploadOutcome } from './read-upload-response';

/** Bytes of the request body sent so far. */
export interface UploadBytes {
  sent: number;
  total: number;
}

/** Options of `uploadCsv`. */
export interface UploadCsvOptions {
  onProgress?: (bytes: UploadBytes) => void;
  signal?: AbortSignal;
}

/**
 * Posts a CSV file to `/uploads?template=<name>` as multipart field `file`, reporting bytes sent through
 * XMLHttpRequest's upload progress (fetch has none). Resolves with the outcome; rejects only when aborted.
 */
export function uploadCsv(file: File, template: string, options: UploadCsvOptions = {}): Promise<UploadOutcome> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/uploads?template=${encodeURIComponent(template)}`);
    xhr.responseType = 'text';
    xhr.upload.addEventListener('progress', (event) => {
      options.onProgress?.({ sent: event.loaded, total: event.lengthComputable ? event.total : file.size });
    });
    xhr.addEventListener('load', () => resolve(readUploadResponse(xhr.status, xhr.responseText)));
    xhr.addEventListener('error', () =>
      resolve({ ok: false, status: 0, error: 'The server could not be reached. Check your connection and try again.' }),
    );
    xhr.addEventListener('abort', () => reject(new DOMException('Upload cancelled', 'AbortError')));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
