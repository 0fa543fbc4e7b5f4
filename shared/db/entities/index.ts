/**
 * Every entity and access pattern of the table, declared in one folder (see docs/data-model.md).
 */
export * from './define';
export * from './platform';
export * from './auth';
export * from './accounts';
export * from './catalog';
export * from './points';
export * from './cases';
export * from './calendar';
export * from './reports';
export * from './problems';
export * from './workplan';
