import { domainHandler } from '../../shared/http/pipeline';
import { calendarApi } from './api';
import * as calendar from './service';

/** The pipeline types an absent body/query as an empty record; these routes always declare theirs. */

export const handler = domainHandler(calendarApi, {
  loadCalendarYear: ({ ctx, body }) => calendar.loadCalendarYear(ctx, body),
  getCalendarYear: ({ ctx, params }) => calendar.getCalendarYear(ctx, params.year),
});
