import type { ImportTemplate, TemplateInfo } from './define-template';
import { productsTemplate } from './products';
import { usersTemplate } from './users';

/** The templates a server offers, by name. */
export class TemplateRegistry {
  private readonly byName: ReadonlyMap<string, ImportTemplate>;

  constructor(templates: readonly ImportTemplate[]) {
    this.byName = new Map(templates.map((template) => [template.name, template]));
  }

  /** A template by name, if offered. */
  get(name: string): ImportTemplate | undefined {
    return this.byName.get(name);
  }

  /** Every template with its columns, for the UI. */
  list(): TemplateInfo[] {
    return [...this.byName.values()].map((template) => template.info);
  }
}

/** The built-in templates: users and products. */
export const builtInTemplates: readonly ImportTemplate[] = [usersTemplate, productsTemplate];
