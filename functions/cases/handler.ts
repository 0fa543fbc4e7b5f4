import { domainHandler } from '../../shared/http/pipeline';
import { casesApi } from './api';
import * as cases from './service';

/** The pipeline types an absent body/query as an empty record; these routes always declare theirs. */
const given = <T>(x: T) => x as Exclude<T, Record<string, never>>;

export const handler = domainHandler(casesApi, {
  acceptCase: ({ ctx, body }) => cases.acceptCase(ctx, given(body)),
  listCases: ({ ctx, query }) => cases.listCases(ctx, given(query)),
  getCase: ({ ctx, params }) => cases.getCaseById(ctx, params.id),
  submitCase: ({ ctx, params, body }) => cases.submitCase(ctx, params.id, given(body)),
  reviewCase: ({ ctx, params, body }) => cases.reviewCase(ctx, params.id, given(body)),
  supplementCase: ({ ctx, params, body }) => cases.supplementCase(ctx, params.id, given(body)),
  completeCase: ({ ctx, params, body }) => cases.completeCase(ctx, params.id, given(body)),
  rateCase: ({ ctx, params, body }) => cases.rateCase(ctx, params.id, given(body)),
  myCases: ({ ctx, query }) => cases.myCases(ctx, query.limit, query.cursor),
});
