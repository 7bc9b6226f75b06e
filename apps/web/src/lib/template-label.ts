import type { Template } from './api-types';

/** A template's label, or its name capitalized while the templates are not loaded. */
export function templateLabel(name: string, templates: readonly Template[] | undefined): string {
  const found = templates?.find((template) => template.name === name);
  if (found) return found.label;
  return name === '' ? 'Import' : `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}
