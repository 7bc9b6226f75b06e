export { estimateDataRows } from './count-lines';
export { ensureTable } from './entity-writer';
export { ImportFailure } from './import-failure';
export {
  CANCELLED_MESSAGE,
  ImportService,
  type ImportServiceOptions,
  INTERRUPTED_MESSAGE,
  type StartImport,
  TooManyImportsError,
} from './import-service';
export { JobReporter } from './job-reporter';
export { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './limits';
export { type ImportCounts, type RunImportOptions, runImport } from './run-import';
export {
  blankAsUndefined,
  type ColumnInfo,
  defineTemplate,
  type ImportTemplate,
  type TemplateDefinition,
  type TemplateInfo,
} from './templates/define-template';
export { productsTemplate } from './templates/products';
export { builtInTemplates, TemplateRegistry } from './templates/registry';
export { usersTemplate } from './templates/users';
