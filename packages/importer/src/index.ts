export {
  CsvParser,
  type CsvParserLimits,
  type CsvSyntaxCode,
  CsvSyntaxError,
} from './csv/csv-parser';
export { csvRecordBatches } from './csv/csv-records';
export { type CsvScan, estimateDataRows, scanCsvFile } from './csv/scan-csv';
export {
  CoordinatorUnavailableError,
  type ImportCoordinator,
  type ImportLease,
  type ImportSlot,
  LocalImportCoordinator,
} from './import-coordinator';
export { ImportFailure } from './import-failure';
export { ImportReaper, type ImportReaperOptions } from './import-reaper';
export {
  type AfterBatchHook,
  CANCELLED_MESSAGE,
  ImportService,
  type ImportServiceOptions,
  INSTANCE_LOST_MESSAGE,
  INTERRUPTED_MESSAGE,
  STORE_UNAVAILABLE_MESSAGE,
  type StartImport,
  TooManyImportsError,
} from './import-service';
export { JobReporter, type RecordEnd } from './job-reporter';
export { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './limits';
export { RejectedFileError } from './rejected-file';
export { type ImportCounts, type RunImportOptions, runImport } from './run-import';
export {
  blankAsUndefined,
  type ColumnInfo,
  defineTemplate,
  type ImportTemplate,
  type SqlType,
  type TemplateDefinition,
  type TemplateInfo,
} from './templates/define-template';
export { decimalText, wholeNumber } from './templates/numbers';
export { productsTemplate } from './templates/products';
export { builtInTemplates, TemplateRegistry } from './templates/registry';
export { usersTemplate } from './templates/users';
