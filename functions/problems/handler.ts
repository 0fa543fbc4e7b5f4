import { domainHandler } from '../../shared/http/pipeline';
import { problemsApi } from './api';
import type { AnswerInput, FileProblemInput, ListProblemsInput, PageInput, RegionPageInput } from './schemas';
import * as problems from './service';

// The pipeline has validated each part against the route's schema; the casts only name that type.
export const handler = domainHandler(problemsApi, {
  fileProblem: ({ ctx, body }) => problems.fileProblem(ctx, body as FileProblemInput),
  listProblems: ({ ctx, query }) => problems.listProblems(ctx, query as ListProblemsInput),
  listProblemNotices: ({ ctx, query }) => problems.listNotices(ctx, query as PageInput),
  listResponsibilities: ({ ctx, query }) => problems.listResponsibilities(ctx, query as RegionPageInput),
  listDesignations: ({ ctx, query }) => problems.listDesignations(ctx, query as RegionPageInput),
  designateBackbone: ({ ctx, params, body }) => problems.designateBackbone(ctx, params.businessCategory, body.accountId),
  getProblem: ({ ctx, params }) => problems.getProblem(ctx, params.id),
  answerProblem: ({ ctx, params, body }) => problems.answerProblem(ctx, params.id, body as AnswerInput),
  resolveProblem: ({ ctx, params }) => problems.resolveProblem(ctx, params.id),
  reopenProblem: ({ ctx, params }) => problems.reopenProblem(ctx, params.id),
});
