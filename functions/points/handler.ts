import { domainHandler } from '../../shared/http/pipeline';
import { pointsApi } from './api';
import * as points from './service';
import { pointCoverage } from './coverage';

/** The pipeline types an absent schema as {}; every route here declares the part it passes on. */
const given = <T>(x: T) => x as Exclude<T, Record<string, never>>;

export const handler = domainHandler(pointsApi, {
  createPoint: ({ ctx, body }) => points.createPoint(ctx, given(body)),
  pointCoverage: ({ ctx, query }) => pointCoverage(ctx, given(query)),
  getPoint: ({ ctx, params }) => points.getPoint(ctx, params.id),
  listPoints: ({ ctx, query }) => points.listPoints(ctx, given(query)),
  updatePoint: ({ ctx, params, body }) => points.updatePoint(ctx, params.id, given(body)),
  putBaseStandard: ({ ctx, params, body }) => points.putBaseStandard(ctx, params.id, given(body)),
  changeStage: ({ ctx, params, body }) => points.changeStage(ctx, params.id, given(body)),
  listStageHistory: ({ ctx, params, query }) => points.listStageHistory(ctx, params.id, given(query)),
  putAgreement: ({ ctx, params, body }) => points.putAgreement(ctx, params.id, given(body)),
  getAgreement: ({ ctx, params }) => points.getAgreement(ctx, params.id),
  createInspection: ({ ctx, params, body }) => points.createInspection(ctx, params.id, given(body)),
  listInspections: ({ ctx, params, query }) => points.listInspections(ctx, params.id, given(query)),
  createDevice: ({ ctx, params, body }) => points.createDevice(ctx, params.id, given(body)),
  listPointDevices: ({ ctx, params, query }) => points.listPointDevices(ctx, params.id, given(query)),
  deviceProgress: ({ ctx, query }) => points.deviceProgress(ctx, given(query)),
  getDevice: ({ ctx, params }) => points.getDevice(ctx, params.id),
  changeDeviceStage: ({ ctx, params, body }) => points.changeDeviceStage(ctx, params.id, given(body)),
  allocateFunds: ({ ctx, body }) => points.allocateFunds(ctx, given(body)),
  recordExpenditure: ({ ctx, body }) => points.recordExpenditure(ctx, given(body)),
  fundsSummary: ({ ctx, query }) => points.fundsSummary(ctx, given(query)),
  publicPoints: ({ ctx, query }) => points.publicPoints(ctx, given(query)),
});
