export * from './enums';
export * from './progress-check';
export * from './schemas';
