import type { Template } from '@/lib/api-types';

/** The columns a template expects, as a compact table; each says whether it is required, at every width. */
export function TemplateColumns({ template }: { template: Template }) {
  return (
    <details className="columns" open>
      <summary className="columns__summary">
        Expected columns for {template.label.toLowerCase()}:{' '}
        <code>{template.columns.map((c) => c.name).join(',')}</code>
      </summary>
      <table className="columns__table">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {template.columns.map((column) => (
            <tr key={column.name}>
              <th scope="row">
                <code>{column.name}</code>
                <span className={`columns__need columns__need--${column.required ? 'required' : 'optional'}`}>
                  {column.required ? 'required' : 'optional'}
                </span>
              </th>
              <td>{column.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
