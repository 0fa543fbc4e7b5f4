import { domainHandler } from '../../shared/http/pipeline';
import { reportsApi } from './api';
import * as reports from './service';
import { getDashboard } from './dashboard';

/** The pipeline types an absent schema as {}; every route here declares the part it passes on. */
const given = <T>(x: T) => x as Exclude<T, Record<string, never>>;

export const handler = domainHandler(reportsApi, {
  listReports: ({ ctx, query }) => reports.listReports(ctx, given(query)),
  createReport: ({ ctx, body }) => reports.createReport(ctx, given(body)),
  getReport: ({ ctx, params, query, headers }) => reports.getReport(ctx, params.id, query.format, headers.accept),
  getReportFile: ({ ctx, params }) => reports.getReportFile(ctx, params.id, params.file),
  getDashboard: ({ ctx, query }) => getDashboard(ctx, given(query)),
  listAudit: ({ ctx, query }) => reports.listAudit(ctx, given(query)),
});
