import { domainHandler } from '../../shared/http/pipeline';
import { casesApi } from './api';
import * as cases from './service';
import * as followUps from './follow-ups';
import { caseDocument } from './documents';
import * as reReviews from './re-reviews';
import * as kioskBatches from './kiosk-batches';
import { publicCaseStatus } from './status';

export const handler = domainHandler(casesApi, {
  acceptCase: ({ ctx, body }) => cases.acceptCase(ctx, body),
  listCases: ({ ctx, query }) => cases.listCases(ctx, query),
  getCase: ({ ctx, params }) => cases.getCaseById(ctx, params.id),
  caseDocument: ({ ctx, params }) => caseDocument(ctx, params.id, params.kind),
  submitCase: ({ ctx, params, body }) => cases.submitCase(ctx, params.id, body),
  reviewCase: ({ ctx, params, body }) => cases.reviewCase(ctx, params.id, body),
  supplementCase: ({ ctx, params, body }) => cases.supplementCase(ctx, params.id, body),
  completeCase: ({ ctx, params, body }) => cases.completeCase(ctx, params.id, body),
  rateCase: ({ ctx, params, body }) => cases.rateCase(ctx, params.id, body),
  uploadKioskBatch: ({ ctx, body }) => kioskBatches.uploadBatch(ctx, body),
  listReReviews: ({ ctx, query }) => reReviews.listReReviews(ctx, query),
  clearReReview: ({ ctx, params, body }) => reReviews.clearReReview(ctx, params.id, body),
  listFollowUps: ({ ctx, query }) => followUps.listFollowUps(ctx, query),
  closeFollowUp: ({ ctx, params, body }) => followUps.closeFollowUp(ctx, params.id, body),
  publicCaseStatus: ({ ctx, query }) => publicCaseStatus(ctx, query.number, query.code),
  myCases: ({ ctx, query }) => cases.myCases(ctx, query.limit, query.cursor),
});
