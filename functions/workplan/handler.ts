import { domainHandler } from '../../shared/http/pipeline';
import { workplanApi } from './api';
import * as workplan from './service';

/** The pipeline types an absent schema as {}; every route here declares the part it passes on. */
const given = <T>(x: T) => x as Exclude<T, Record<string, never>>;

export const handler = domainHandler(workplanApi, {
  createTraining: ({ ctx, body }) => workplan.createTraining(ctx, given(body)),
  listTrainings: ({ ctx, query }) => workplan.listTrainings(ctx, given(query)),
  getTraining: ({ ctx, params }) => workplan.getTraining(ctx, params.id),
  recordAttendance: ({ ctx, params, body }) => workplan.recordAttendance(ctx, params.id, given(body)),
  pointStaffTraining: ({ ctx, params }) => workplan.pointStaffTraining(ctx, params.id),
  createPublicity: ({ ctx, body }) => workplan.createPublicity(ctx, given(body)),
  listPublicity: ({ ctx, query }) => workplan.listPublicity(ctx, given(query)),
  planTasks: ({ ctx, query }) => workplan.planTasks(ctx, given(query)),
  recordTaskItem: ({ ctx, params, body }) => workplan.recordTaskItem(ctx, params.item, given(body)),
});
